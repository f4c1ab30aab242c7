export * from './serialised-update';
