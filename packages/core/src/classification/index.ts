export * from './case-classifier';
