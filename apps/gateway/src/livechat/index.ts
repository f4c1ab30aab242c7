export * from './livechat';
