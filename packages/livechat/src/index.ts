export * from './adapter';
export * from './views';
export * from './delivery';
export * from './livechat-outbox';
export * from './conversation-log';
export * from './transcript';
