export * from './isolated-env';
export * from './wait-for';
export * from './scratch-redis';
export * from './browser';
export * from './http-client';
export * from './dovecot';
export * from './smtp-sink';
export * from './stack';
