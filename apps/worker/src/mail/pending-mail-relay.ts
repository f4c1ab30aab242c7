import type { Logger } from 'pino';
import type { Database } from '@cg/db';
import { every, type Periodic } from '@cg/core';
import { queueOutboundMail, type OutboundQueue } from '@cg/queue';

/**
 * Queues `mail_outbound` rows left `pending`: rows written where no Redis is at hand (the
 * gateway's staff replies), or left pending by a crash between insert and queue. MongoDB holds
 * the message before Redis does, so a reply accepted by the API is never lost (the transactional
 * outbox pattern; this is its relay).
 */
export class PendingMailRelay {
  private periodic?: Periodic;

  constructor(
    private readonly db: Database,
    private readonly queue: OutboundQueue,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.periodic = every(this.intervalMs, () => this.sweep());
  }

  /** Rows a writer queued itself are skipped while fresh; older pending ones (gateway rows, crashes, retries) are (re-)added. */
  async sweep(): Promise<number> {
    try {
      const rows = await this.db.mailOutbound.pending(Math.max(2000, 2 * this.intervalMs), 50);
      for (const row of rows) await queueOutboundMail(this.queue, row);
      return rows.length;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'pending mail relay sweep failed; next sweep retries');
      return 0;
    }
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
