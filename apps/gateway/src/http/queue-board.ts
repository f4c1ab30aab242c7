import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router } from 'express';
import { apiDoc } from './api-doc';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** Bull Board over every queue of the system; the caller puts the admin session guard in front. */
export function queueBoard(queues: ReadonlyArray<Queue>): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Complaint queues' } },
  });
  // Bull Board's router is an express sub-app (which the router stack hides behind a wrapper): a
  // router around it is documented as one page in the API document (its own XHR routes are Bull Board's).
  const board = Router().use(serverAdapter.getRouter() as Router);
  return Object.assign(
    board,
    apiDoc({ summary: 'Bull Board: the queue dashboard (admins, console session)', tag: 'operations', auth: 'console-session' }),
  );
}
