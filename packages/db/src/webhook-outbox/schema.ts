import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A case event waiting to be fanned out to the webhook endpoints (issue 11): the transactional
 * outbox of webhooks. The process that committed the change records it here before it adds the
 * `webhook-event` job, so an event whose job Redis refused (or a process that stopped in between)
 * is still in MongoDB; the worker's relay queues rows left here, and the fan-out job deletes its
 * row once the deliveries are recorded. Rows are inserted and deleted, never updated.
 */
export const webhookOutboxSchema = new Schema(
  {
    /** The event's id (`<case>.<version>.<type>`), also the job id: the same event is one row. */
    eventId: { type: String, required: true },
    caseNumber: { type: String, required: true },
    /** The event as JSON, exactly as queued. */
    body: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'webhook_outbox' },
);

// record()'s guard: one row per event; remove() by event id.
webhookOutboxSchema.index({ eventId: 1 }, { unique: true });
// pending(): the relay's walk, oldest first.
webhookOutboxSchema.index({ createdAt: 1 });

export type WebhookOutboxDocument = InferSchemaType<typeof webhookOutboxSchema>;
