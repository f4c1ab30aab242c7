import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connections';
import { JOB_NAMES, QUEUE_NAMES, type DeadlineCheckJob } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS, safeJobId } from './queues';

/**
 * Schedules a case's next deadline check as a BullMQ delayed job: it lives in Redis (AOF), so
 * it survives restarts, and its job id (case + kind + due date) makes scheduling twice a no-op.
 * An extension plans a new chain for the new date; the old check finds itself stale and stops.
 */
export class DeadlineScheduler {
  readonly queue: Queue<DeadlineCheckJob>;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue<DeadlineCheckJob>(QUEUE_NAMES.deadlines, {
      connection: connection,
      prefix,
      defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { age: 30 * 24 * 3600 } },
    });
  }

  async schedule(
    caseNumber: string,
    check: { kind: DeadlineCheckJob['kind']; dueDate: string; at: Date },
    now = Date.now(),
  ): Promise<void> {
    await this.queue.add(
      JOB_NAMES.deadlineCheck,
      { caseNumber, kind: check.kind, dueDate: check.dueDate },
      { jobId: safeJobId('deadline', caseNumber, check.kind, check.dueDate), delay: Math.max(0, check.at.getTime() - now) },
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
