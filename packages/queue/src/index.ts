export * from './redis-connections';
export * from './queues';
export * from './case-number-allocator';
export * from './shutdown';
export * from './intake-publisher';
export * from './deadline-scheduler';
export * from './outbound-mail';
export * from './case-lock';
