export * from './connection';
export * from './database';
export * from './cases';
export * from './staff-users';
export * from './dead-letters';
