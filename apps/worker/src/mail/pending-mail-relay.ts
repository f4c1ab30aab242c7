import type { Logger } from 'pino';
import type { CaseLifecycle } from '@cg/core';
import type { Database } from '@cg/db';
import { every, type Periodic } from '@cg/core';
import { queueOutboundMail, type OutboundQueue } from '@cg/queue';
import { settleFailedMail } from './failed-mail';

/** Rows read per page; a sweep walks pages until the pending rows run out or MAX_PER_SWEEP is reached. */
const PAGE = 100;
const MAX_PER_SWEEP = 2000;

/**
 * Queues `mail_outbound` rows left `pending`: rows written where no Redis is at hand (the
 * gateway's staff replies), or left pending by a crash between insert and queue. MongoDB holds
 * the message before Redis does, so a reply accepted by the API is never lost (the transactional
 * outbox pattern; this is its relay).
 *
 * Nothing can block it: a sweep walks every pending row page by page (not only the oldest page:
 * rows still retrying with backoff used to fill it and stall every later reply), and a row whose
 * job already failed for good (a worker died before settling it) gets its final status here.
 */
export class PendingMailRelay {
  private periodic?: Periodic;

  constructor(
    private readonly db: Database,
    private readonly queue: OutboundQueue,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly lifecycle?: Pick<CaseLifecycle, 'mailEvent'>,
  ) {}

  start(): void {
    this.periodic = every(this.intervalMs, () => this.sweep());
  }

  /** Rows a writer queued itself are skipped while fresh; older pending ones (gateway rows, crashes, retries) are (re-)added. */
  async sweep(): Promise<number> {
    let seen = 0;
    try {
      const olderThan = Math.max(2000, 2 * this.intervalMs);
      let from: Date | undefined;
      let previous = new Set<string>();
      while (seen < MAX_PER_SWEEP) {
        const page = await this.db.mailOutbound.pending(olderThan, PAGE, from);
        const rows = page.filter((r) => !previous.has(String(r._id)));
        for (const row of rows) await this.relay(row);
        seen += rows.length;
        if (page.length < PAGE || !rows.length) break;
        // The next page starts at the last creation time (inclusive: rows created in the same
        // millisecond); the ids already relayed at that time are skipped there.
        const last = new Date(page[page.length - 1]!.createdAt);
        const sameTime = page.filter((r) => new Date(r.createdAt).getTime() === last.getTime()).map((r) => String(r._id));
        previous = new Set(from?.getTime() === last.getTime() ? [...previous, ...sameTime] : sameTime);
        from = last;
      }
      return seen;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'pending mail relay sweep failed; next sweep retries');
      return seen;
    }
  }

  private async relay(row: Awaited<ReturnType<Database['mailOutbound']['pending']>>[number]): Promise<void> {
    const job = await this.queue.getJob(`out-${String(row._id)}`);
    if (job && this.lifecycle && (await job.isFailed())) {
      // Re-adding its jobId would be a no-op: the job is done trying. Settle the row for a person.
      await settleFailedMail(
        { db: this.db, lifecycle: this.lifecycle, logger: this.logger },
        row,
        `send job failed: ${job.failedReason ?? 'unknown error'}`,
      );
      return;
    }
    if (!job) await queueOutboundMail(this.queue, row);
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
