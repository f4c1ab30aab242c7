export * from './report-facts';
export * from './case-report';
