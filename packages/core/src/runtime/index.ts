export * from './periodic';
export * from './health-server';
export * from './metrics';
export * from './generation-cache';
