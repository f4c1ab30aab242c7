import type { Job, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { DeadLetterRepository } from '@cg/db';

/** True when BullMQ will not retry this job again. */
export function isFinalFailure(job: Job, err: Error): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * Copies every job that failed its last attempt into MongoDB's dead_letters collection,
 * where `npm run cli -- dead-letters:redrive` can send it back. BullMQ's failed set keeps
 * a copy too, so a MongoDB outage at this moment loses nothing.
 */
export function recordDeadLetters(worker: Worker, deadLetters: DeadLetterRepository, logger: Logger): void {
  worker.on('failed', (job, err) => {
    if (!job) return;
    if (!isFinalFailure(job, err)) {
      logger.warn({ queue: worker.name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, 'job failed; will retry');
      return;
    }
    logger.error({ queue: worker.name, jobId: job.id, err: err.message }, 'job failed for good: dead-lettered');
    deadLetters
      .record({
        queue: worker.name,
        jobId: String(job.id),
        jobName: job.name,
        data: job.data,
        error: err.message,
        ...(err.stack ? { stack: err.stack } : {}),
        attemptsMade: job.attemptsMade,
        failedAt: new Date(job.finishedOn ?? Date.now()),
      })
      .catch((e: Error) =>
        logger.error({ jobId: job.id, err: e.message }, 'could not record dead letter; it stays in the BullMQ failed set'),
      );
  });
}
