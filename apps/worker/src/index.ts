/**
 * What other workspaces import from `@cg/worker` (the shared test stack in `@cg/testing`): the
 * start function main.ts calls, without main.ts's side effects (environment, signal handlers).
 */
export { startWorkers, type RunningWorkers, type WorkerOverrides } from './worker';
