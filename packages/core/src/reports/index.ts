export * from './report-facts';
export * from './case-report';
export * from './report-sums';
export * from './report-days';
