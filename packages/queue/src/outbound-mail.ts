import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_NAMES, QUEUE_NAMES } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS } from './queues';

/** The `outbound` queue: `outbound-email` jobs (one `mail_outbound` row each) and `inbound-bounce` jobs. */
export type OutboundQueue = Queue;

export function createOutboundQueue(opts: { connection: Redis; prefix: string; failFast?: boolean }): OutboundQueue {
  return new Queue(QUEUE_NAMES.outbound, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    skipWaitingForReady: opts.failFast ?? false,
  });
}

/**
 * Queues one `mail_outbound` row for sending. The row stays `pending` until the send job
 * settles it (one writer per row: FerretDB v1 loses concurrent updates of one document); the
 * worker's pending-mail relay re-adds rows left pending with the same jobId, which BullMQ
 * ignores while the job exists, so a crash between insert and queue loses nothing and two
 * writers racing queue it once.
 */
export async function queueOutboundMail(queue: OutboundQueue, row: { _id: unknown; status: string }): Promise<void> {
  if (row.status !== 'pending') return;
  const id = String(row._id);
  await queue.add(JOB_NAMES.outboundEmail, { outboundId: id }, { ...DEFAULT_JOB_OPTIONS, jobId: `out-${id}` });
}
