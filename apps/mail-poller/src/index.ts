/**
 * What other workspaces import from `@cg/mail-poller` (the shared test stack in `@cg/testing`):
 * the start function main.ts calls, without main.ts's side effects (environment, signal handlers).
 */
export { startMailPoller, type RunningMailPoller } from './poller';
export type { MailboxStatus } from './mailbox-poller';
