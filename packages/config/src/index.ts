export * from './env';
export * from './gateway-config';
export * from './worker-config';
export * from './mail-poller-config';
export * from './mail-outbound-config';
export * from './letter-signing-config';
export * from './postal-config';
export * from './survey-config';
