export * from './case-deadlines';
export * from './calendar-provider';
