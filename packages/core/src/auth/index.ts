export * from './passwords';
export * from './signed-tokens';
export * from './staff-tokens';
export * from './visitor-tokens';
export * from './survey-tokens';
export * from './permissions';
export * from './staff-account-status';
