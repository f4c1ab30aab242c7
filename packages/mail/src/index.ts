export * from './automated-mail';
export * from './case-number-in-subject';
export * from './header-words';
export * from './html';
export * from './message-ids';
export * from './parse-email';
export * from './quoted-replies';
export * from './templates';
