export * from './livechat';
export * from './visitor-tokens';
