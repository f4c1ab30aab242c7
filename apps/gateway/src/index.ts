/**
 * What other workspaces import from `@cg/gateway` (the shared test stack in `@cg/testing`): the
 * start function main.ts calls, without main.ts's side effects (environment, signal handlers).
 */
export { startGateway, type RunningGateway } from './gateway';
