export * from './schema';
export * from './repository';
export * from './case-index';
export * from './report-days';
