import type { Job, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { DeadLetterRepository, FailedJob } from '@cg/db';

/** True when BullMQ will not retry this job again. */
export function isFinalFailure(job: Job, err: Error): boolean {
  return err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * Copies every job that failed its last attempt into MongoDB's dead_letters collection,
 * where `npm run cli -- dead-letters:redrive` can send it back. The write is retried a few
 * times; if MongoDB is still down, BullMQ's failed set keeps the job and `sweepDeadLetters`
 * (every DEAD_LETTER_SWEEP_MS) records it later, so no final failure goes unrecorded.
 */
export function recordDeadLetters(worker: Worker, deadLetters: DeadLetterRepository, logger: Logger): void {
  worker.on('failed', (job, err) => {
    if (!job) return;
    if (!isFinalFailure(job, err)) {
      logger.warn({ queue: worker.name, jobId: job.id, attempt: job.attemptsMade, err: err.message }, 'job failed; will retry');
      return;
    }
    logger.error({ queue: worker.name, jobId: job.id, err: err.message }, 'job failed for good: dead-lettered');
    const record: FailedJob = {
      queue: worker.name,
      jobId: String(job.id),
      jobName: job.name,
      data: job.data,
      error: err.message,
      ...(err.stack ? { stack: err.stack } : {}),
      attemptsMade: job.attemptsMade,
      failedAt: new Date(job.finishedOn ?? Date.now()),
    };
    void withRetries(() => deadLetters.record(record), [200, 1000, 5000]).catch((e: Error) =>
      logger.error({ jobId: job.id, err: e.message }, 'could not record dead letter yet; the dead-letter sweep will'),
    );
  });
}

async function withRetries(task: () => Promise<void>, waitsMs: number[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task();
    } catch (err) {
      const wait = waitsMs[attempt];
      if (wait === undefined) throw err;
      await new Promise((r) => setTimeout(r, wait).unref());
    }
  }
}

/**
 * Records every job in the queues' failed sets that dead_letters lacks (a write the failed-job
 * hook lost). Everything in a BullMQ failed set failed for good: retries wait in the delayed
 * set. Bounded per queue; BullMQ keeps failed jobs 7 days (removeOnFail).
 */
export async function sweepDeadLetters(queues: Queue[], deadLetters: DeadLetterRepository, maxPerQueue = 2000): Promise<number> {
  let added = 0;
  for (const queue of queues) {
    for (let start = 0; start < maxPerQueue; start += 200) {
      const jobs = (await queue.getFailed(start, start + 199)).filter((j): j is Job => Boolean(j?.id));
      added += await deadLetters.recordMissing(
        jobs.map((job) => ({
          queue: queue.name,
          jobId: String(job.id),
          jobName: job.name,
          data: job.data as unknown,
          error: job.failedReason || 'failed',
          ...(job.stacktrace?.length ? { stack: job.stacktrace[job.stacktrace.length - 1]! } : {}),
          attemptsMade: job.attemptsMade,
          failedAt: new Date(job.finishedOn ?? job.timestamp),
        })),
      );
      if (jobs.length < 200) break;
    }
  }
  return added;
}
