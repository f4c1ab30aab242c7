export * from './auth';
export * from './intake';
export * from './text/search-text';
export * from './deadlines';
export * from './classification';
export * from './runtime';
export * from './case-lifecycle';
