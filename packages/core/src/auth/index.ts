export * from './passwords';
export * from './staff-tokens';
export * from './permissions';
