export * from './isolated-env';
export * from './wait-for';
export * from './scratch-redis';
export * from './browser';
export * from './http-client';
