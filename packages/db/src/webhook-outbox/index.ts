export * from './schema';
export * from './repository';
