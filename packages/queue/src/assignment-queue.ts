import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connections';
import { JOB_NAMES, QUEUE_NAMES } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS, safeJobId } from './queues';

/** The auto-assign job's payload: thin, the case and the version that entered the queue. */
export interface AutoAssignJobData {
  caseNumber: string;
  version: number;
}

/**
 * Asks the workers to assign a case that entered a department queue (automatic fair assignment).
 * One job per (case, version): the same change reported twice queues one job, and a case that
 * enters a queue again later (released, transferred) is a new version and a new job.
 */
export class AutoAssignQueue {
  private readonly queue: Queue<AutoAssignJobData>;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue<AutoAssignJobData>(QUEUE_NAMES.assignment, {
      connection,
      prefix,
      defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, attempts: 5 },
    });
  }

  static jobIdOf(caseNumber: string, version: number): string {
    return safeJobId('auto-assign', caseNumber, String(version));
  }

  async request(caseNumber: string, version: number): Promise<void> {
    await this.queue.add(JOB_NAMES.autoAssign, { caseNumber, version }, { jobId: AutoAssignQueue.jobIdOf(caseNumber, version) });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
