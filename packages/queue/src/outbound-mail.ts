import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connections';
import { JOB_NAMES, QUEUE_NAMES, type AnswerDeliveryJob } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS, safeJobId } from './queues';

/** The `outbound` queue: `outbound-email` jobs (one `mail_outbound` row each) and `inbound-bounce` jobs. */
export type OutboundQueue = Queue;

export function createOutboundQueue(opts: { connection: RedisClient; prefix: string; failFast?: boolean }): OutboundQueue {
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

/**
 * Queues the delivery of a case's answer on its channel (job `answer-delivery`), once per round
 * (reopenCount): a retried request or a second gateway adds the same jobId, which BullMQ ignores.
 * Attempts and the first backoff are the gateway's ANSWER_DELIVERY_* settings; the job marks the
 * delivery failed on the case after the last attempt.
 */
export async function queueAnswerDelivery(
  queue: OutboundQueue,
  job: AnswerDeliveryJob,
  retry: { attempts: number; backoffMs: number },
): Promise<void> {
  await queue.add(JOB_NAMES.answerDelivery, job, {
    ...DEFAULT_JOB_OPTIONS,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    // Each "deliver again" after a failure is a new attempt with its own job (the failed one stays failed).
    jobId: safeJobId('answer', job.caseNumber, String(job.round), ...(job.attempt ? [String(job.attempt)] : [])),
  });
}
