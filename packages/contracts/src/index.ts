export * from './queues';
export * from './domain-values';
export * from './case-number';
export * from './intake-envelope';
export * from './hotline';
export * from './deadline-jobs';
export * from './livechat';
export * from './mail';
