export * from './adapter';
export * from './views';
export * from './delivery';
export * from './livechat-poster';
export * from './conversation-log';
export * from './transcript';
export * from './chat-persister';
export * from './livechat-intake';
