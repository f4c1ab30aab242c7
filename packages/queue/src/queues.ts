import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis-connections';
import { QUEUE_NAMES, type IntakeEnvelope } from '@cg/contracts';

/**
 * Retries for every job: exponential backoff (2 s, 4 s, 8 s … about 4 minutes in all) with
 * jitter so a burst of failures does not retry in lockstep. Completed jobs are kept for a day
 * (BullMQ then dedupes a re-added jobId); failed ones for a week (the dead-letter collection
 * in MongoDB is the permanent record).
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export type IntakeQueue = Queue<IntakeEnvelope, unknown, string>;

export interface QueueFactoryOptions {
  connection: RedisClient;
  prefix: string;
  /** Producers on HTTP paths should not wait for a connection that may never come. */
  failFast?: boolean;
}

export function createIntakeQueue(opts: QueueFactoryOptions): IntakeQueue {
  return new Queue<IntakeEnvelope, unknown, string>(QUEUE_NAMES.intake, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    skipWaitingForReady: opts.failFast ?? false,
  });
}

/** BullMQ custom job ids may not contain ':' (nor be integers). */
export function safeJobId(...parts: string[]): string {
  return parts.map((p) => p.replace(/:/g, '_')).join('-');
}
