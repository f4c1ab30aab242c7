export * from './case-from-envelope';
export * from './interim-routing';
