export * from './schema';
export * from './repository';
export * from './case-index';
