import type { WebhookEvent, WebhookEventType } from '@cg/contracts';
import { queueWebhookEvent, webhookEventJobId, type WebhooksQueue } from './webhook-queue';

/** Where case events wait for their fan-out (MongoDB `webhook_outbox` in @cg/db). */
export interface WebhookOutboxStore {
  /** Records the events not recorded yet (idempotent per event id). */
  record(events: readonly WebhookEvent[]): Promise<void>;
  /** Events recorded at least `olderThanMs` ago and not fanned out yet, oldest first. */
  pending(olderThanMs: number, limit: number): Promise<Array<{ event: WebhookEvent }>>;
  /** The event is fanned out. */
  remove(eventId: string): Promise<void>;
}

/**
 * Called from the CaseLifecycle's `onCommitted` in every process that changes cases: records each
 * webhook event of the change in the outbox (MongoDB), then adds its `webhook-event` job. Never
 * throws (the change is committed). When Redis refuses the job, the event waits in the outbox and
 * the worker's relay (`relayPendingWebhookEvents`) queues it once Redis answers again. `onError`
 * hears of every job not added: `recorded` (in the outbox: delayed) or not (lost).
 *
 * `anySubscriber` first asks whether an enabled endpoint takes any of the events' types: when none
 * does, nothing is recorded or queued (an endpoint registered after an event never gets it, as in
 * the fan-out), which spares every case change the outbox's writes when no one listens. If the
 * question fails, the events go through as usual.
 */
export class DurableWebhookEventPublisher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly queue: WebhooksQueue,
    private readonly outbox: Pick<WebhookOutboxStore, 'record'>,
    private readonly onError: (err: Error, event: WebhookEvent, recorded: boolean) => void,
    private readonly anySubscriber: (types: readonly WebhookEventType[]) => Promise<boolean> = () => Promise.resolve(true),
  ) {}

  publish(events: readonly WebhookEvent[]): void {
    if (!events.length) return;
    const handOff = this.handOff(events).finally(() => this.inFlight.delete(handOff));
    this.inFlight.add(handOff);
  }

  private async handOff(events: readonly WebhookEvent[]): Promise<void> {
    const listened = await this.anySubscriber([...new Set(events.map((e) => e.type))]).catch(() => true);
    if (!listened) return;
    // MongoDB refusing is not fatal while Redis takes the job (at least once from the queue on).
    const recorded = await this.outbox.record(events).then(
      () => true,
      () => false,
    );
    for (const event of events) {
      await queueWebhookEvent(this.queue, event).catch((err: Error) => this.onError(err, event, recorded));
    }
  }

  /** Waits for the hand-offs in progress, then closes the queue. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.queue.close();
  }
}

/** Where a refused hand-off is told (pino's logger fits). */
export interface WebhookHandOffLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The publisher as the gateway and the worker run it: refusals logged, events no enabled endpoint takes skipped. */
export function loggedWebhookEventPublisher(
  queue: WebhooksQueue,
  outbox: Pick<WebhookOutboxStore, 'record'>,
  anySubscriber: (types: readonly WebhookEventType[]) => Promise<boolean>,
  log: WebhookHandOffLog,
): DurableWebhookEventPublisher {
  return new DurableWebhookEventPublisher(
    queue,
    outbox,
    (err, event, recorded) => {
      const fields = { eventId: event.id, caseNumber: event.case.caseNumber, err: err.message };
      if (recorded) log.warn(fields, 'webhook event not queued; in the outbox, the worker queues it later');
      else log.error(fields, 'webhook event not queued nor recorded');
    },
    anySubscriber,
  );
}

/**
 * The outbox's relay, one sweep: queues the events left in the outbox longer than `olderThanMs`
 * (Redis refused their job, or their process stopped between the record and the add). An event
 * whose job exists is skipped (re-adding its id is a no-op anyway); one whose job completed but
 * whose row was not deleted (a crash after the fan-out) is deleted. Returns how many it queued.
 */
export async function relayPendingWebhookEvents(
  queue: WebhooksQueue,
  outbox: WebhookOutboxStore,
  opts: { olderThanMs: number; limit: number },
): Promise<number> {
  let queued = 0;
  for (const { event } of await outbox.pending(opts.olderThanMs, opts.limit)) {
    const job = await queue.getJob(webhookEventJobId(event.id));
    if (job && (await job.isCompleted())) await outbox.remove(event.id);
    else if (!job) {
      await queueWebhookEvent(queue, event);
      queued++;
    }
  }
  return queued;
}
