import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JOB_NAMES, QUEUE_NAMES } from '@cg/contracts';
import type { Database, MailOutboundRecord } from '@cg/db';
import { DEFAULT_JOB_OPTIONS } from '@cg/queue';

export type OutboundQueue = Queue;

export function createOutboundQueue(connection: Redis, prefix: string): OutboundQueue {
  return new Queue(QUEUE_NAMES.outbound, {
    connection: connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
}

/** Queues an outbox row for sending; the jobId makes a second add (relay and writer racing) a no-op. */
export async function enqueueOutbound(db: Database, queue: OutboundQueue, record: MailOutboundRecord): Promise<void> {
  if (record.status !== 'pending') return;
  const id = String(record._id);
  // The row stays `pending` until the job settles it (one writer per row: FerretDB v1 loses
  // concurrent updates of one document); the relay re-adds pending rows with the same jobId,
  // which BullMQ ignores while the job exists.
  await queue.add(JOB_NAMES.outboundEmail, { outboundId: id }, { jobId: `out-${id}` });
  void db;
}

/**
 * The outbox relay: rows written where no Redis is at hand (the gateway's staff replies), or
 * left pending by a crash between insert and queue, are queued here. MongoDB holds the message
 * before Redis does, so a reply accepted by the API is never lost.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly db: Database,
    private readonly queue: OutboundQueue,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sweep().finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Rows a writer queued itself are skipped while fresh; older pending ones (gateway rows, crashes, retries) are (re-)added. */
  async sweep(): Promise<number> {
    try {
      const rows = await this.db.mailOutbound.pending(Math.max(2000, 2 * this.intervalMs), 50);
      for (const row of rows) await enqueueOutbound(this.db, this.queue, row);
      return rows.length;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox relay sweep failed; next sweep retries');
      return 0;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
