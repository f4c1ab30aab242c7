import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_NAMES, QUEUE_NAMES, type DeadlineCheckJob } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS, safeJobId } from './queues';

/**
 * Schedules a case's deadline checks as BullMQ delayed jobs: they live in Redis (AOF), so
 * they survive restarts, and their job ids (case + kind + due date) make scheduling twice a
 * no-op. An extension plans new checks for the new date; the old ones find themselves stale.
 */
export class DeadlineScheduler {
  readonly queue: Queue<DeadlineCheckJob>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<DeadlineCheckJob>(QUEUE_NAMES.deadlines, {
      connection: connection as unknown as ConnectionOptions,
      prefix,
      defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, removeOnComplete: { age: 30 * 24 * 3600 } },
    });
  }

  async schedule(caseNumber: string, checks: Array<{ kind: DeadlineCheckJob['kind']; dueDate: string; at: Date }>, now = Date.now()): Promise<void> {
    await this.queue.addBulk(
      checks.map((c) => ({
        name: JOB_NAMES.deadlineCheck,
        data: { caseNumber, kind: c.kind, dueDate: c.dueDate },
        opts: { jobId: safeJobId('deadline', caseNumber, c.kind, c.dueDate), delay: Math.max(0, c.at.getTime() - now) },
      })),
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
