import { Schema, type InferSchemaType } from 'mongoose';

/**
 * One delivery of one event to one endpoint (issue 11). Inserted once (by the fan-out, or by an
 * admin's re-send, which is a delivery of its own), then written only by its delivery job: one
 * writer per document after the insert (FerretDB v1 loses concurrent updates of one document).
 */
export const webhookDeliverySchema = new Schema(
  {
    /** `<endpointId>:<eventId>` for the fan-out (a repeated event is one delivery), `…:resend:<n>` for a re-send. */
    key: { type: String, required: true },
    endpointId: { type: String, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    caseNumber: String,
    /** The exact JSON body signed and sent, on every retry and re-send. */
    body: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'delivered', 'failed', 'skipped'] },
    attempts: { type: Number, default: 0 },
    responseCode: Number,
    lastError: String,
    lastAttemptAt: Date,
    deliveredAt: Date,
    /** A re-send: the delivery it repeats. */
    resendOf: String,
    requestedBy: String,
  },
  { timestamps: true, collection: 'webhook_deliveries' },
);

// insertIfAbsent's guard: one delivery per (endpoint, event), one per re-send.
webhookDeliverySchema.index({ key: 1 }, { unique: true });
// list({ endpointId }): an endpoint's deliveries, newest first.
webhookDeliverySchema.index({ endpointId: 1, createdAt: -1 });
// list(): every delivery, newest first.
webhookDeliverySchema.index({ createdAt: -1 });

export type WebhookDeliveryDocument = InferSchemaType<typeof webhookDeliverySchema>;
