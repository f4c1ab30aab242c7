import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connections';
import { JOB_NAMES, QUEUE_NAMES, type OcrLetterJob } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS, safeJobId } from './queues';

/** The `ocr` queue: one `ocr-letter` job per uploaded postal letter, read by the worker (never the gateway). */
export type OcrQueue = Queue<OcrLetterJob, unknown, string>;

export function createOcrQueue(opts: { connection: RedisClient; prefix: string; failFast?: boolean }): OcrQueue {
  return new Queue<OcrLetterJob, unknown, string>(QUEUE_NAMES.ocr, {
    connection: opts.connection,
    prefix: opts.prefix,
    // OCR is slow and a retry repeats all of it: fewer attempts than intake; a bad scan fails at once (UnrecoverableError).
    defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 4 },
    skipWaitingForReady: opts.failFast ?? false,
  });
}

/** Queues the letter's OCR; the job id is the scan's hash, so queueing it twice while it exists is one job. */
export async function queueOcrLetter(queue: OcrQueue, job: OcrLetterJob): Promise<void> {
  await queue.add(JOB_NAMES.ocrLetter, job, { jobId: safeJobId('ocr', job.sha256) });
}
