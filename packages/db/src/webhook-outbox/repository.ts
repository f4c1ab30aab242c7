import type { WebhookEvent } from '@cg/contracts';
import { isDuplicateKeyError } from '../connection';
import { repositoryOf } from '../repository';
import { webhookOutboxSchema, type WebhookOutboxDocument } from './schema';

export interface PendingWebhookEvent {
  event: WebhookEvent;
  createdAt: Date;
}

export class WebhookOutboxRepository extends repositoryOf<WebhookOutboxDocument>('WebhookOutbox', webhookOutboxSchema) {
  /** Records the events not recorded yet (the same event twice is one row). */
  async record(events: readonly WebhookEvent[]): Promise<void> {
    await Promise.all(
      events.map((event) =>
        this.model.create({ eventId: event.id, caseNumber: event.case.caseNumber, body: JSON.stringify(event) }).catch((err: unknown) => {
          if (!isDuplicateKeyError(err)) throw err;
        }),
      ),
    );
  }

  /**
   * Events recorded at least `olderThanMs` ago and still here (their fan-out has not deleted
   * them), oldest first. The collection holds only events in hand, so the range on `createdAt`
   * (which FerretDB v1 filters in Go, not in PostgreSQL) reads few rows.
   */
  async pending(olderThanMs: number, limit: number): Promise<PendingWebhookEvent[]> {
    const rows = await this.model
      .find({ createdAt: { $lte: new Date(Date.now() - olderThanMs) } })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<Array<{ body: string; createdAt: Date }>>()
      .exec();
    return rows.map((r) => ({ event: JSON.parse(r.body) as WebhookEvent, createdAt: r.createdAt }));
  }

  /** The event is fanned out (its deliveries are recorded): its row goes. */
  async remove(eventId: string): Promise<void> {
    await this.model.deleteOne({ eventId }).exec();
  }

  async count(): Promise<number> {
    return this.model.countDocuments({}).exec();
  }
}
