export * from './case-data';
export * from './case-errors';
export * from './case-state-machine';
export * from './case-lifecycle';
export * from './case-events';
export * from './case-reindex';
export * from './reply-gate';
export * from './case-assignment';
