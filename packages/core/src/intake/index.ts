export * from './case-from-envelope';
