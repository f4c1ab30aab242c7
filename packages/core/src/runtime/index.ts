export * from './periodic';
export * from './health-server';
