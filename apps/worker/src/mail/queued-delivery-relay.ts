import type { Logger } from 'pino';
import type { Database } from '@cg/db';
import { every, type Periodic } from '@cg/core';
import { queueAnswerDelivery, type OutboundQueue } from '@cg/queue';

/**
 * Queues answer deliveries left `queued` on a case without a job: the gateway queues the job
 * right after `deliver` committed, and if Redis refused just then (or the gateway died between
 * the two) the case says `queued` and nothing would come. Re-adding uses the same jobId, so a
 * delivery whose job exists is not queued twice.
 */
export class QueuedDeliveryRelay {
  private periodic?: Periodic;

  constructor(
    private readonly db: Database,
    private readonly queue: OutboundQueue,
    private readonly intervalMs: number,
    private readonly retry: { attempts: number; backoffMs: number },
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.periodic = every(this.intervalMs, () => this.sweep());
  }

  /** Deliveries requested more than two intervals ago and still `queued`: (re-)added. */
  async sweep(): Promise<number> {
    try {
      const before = Date.now() - 2 * this.intervalMs;
      const cases = await this.db.cases.listByDeliveryStatus('queued', 100);
      let queued = 0;
      for (const c of cases) {
        const d = c.answer?.delivery;
        if (!d || new Date(d.requestedAt).getTime() > before) continue;
        const job = { caseNumber: c.caseNumber, round: d.round, ...(d.attempt ? { attempt: d.attempt } : {}) };
        await queueAnswerDelivery(this.queue, job, this.retry);
        queued++;
      }
      return queued;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'queued delivery relay sweep failed; next sweep retries');
      return 0;
    }
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
