export * from './env';
export * from './gateway-config';
export * from './worker-config';
