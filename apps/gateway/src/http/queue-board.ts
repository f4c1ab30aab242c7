import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';
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
  // Documented as one page in the API document (its own XHR routes are Bull Board's).
  return Object.assign(
    serverAdapter.getRouter() as Router,
    apiDoc({ summary: 'Bull Board: the queue dashboard (admins, console session)', tag: 'operations', auth: 'console-session' }),
  );
}
