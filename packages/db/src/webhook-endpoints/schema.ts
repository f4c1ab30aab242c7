import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A webhook endpoint an admin registered (issue 11). Two writers — admins (gateway) and the
 * delivery job counting final failures (worker) — so every change after the insert goes through
 * @cg/core updateSerialised (per-endpoint Redis lease + version + read-back): FerretDB v1 loses
 * concurrent updates of one document.
 */
export const webhookEndpointSchema = new Schema(
  {
    url: { type: String, required: true },
    description: String,
    events: { type: [String], required: true },
    /**
     * The HMAC key of the signatures. Kept as given to the admin (it must be usable to sign); only
     * `secretOf()` reads it, the views never carry it.
     */
    secret: { type: String, required: true },
    enabled: { type: Boolean, required: true },
    /** Final failures in a row; a delivered event resets it. */
    consecutiveFailures: { type: Number, default: 0 },
    disabledAt: Date,
    disabledReason: String,
    /** `system` when too many failures disabled it, else the admin's e-mail. */
    disabledBy: String,
    /** The system disabled it and no admin has changed it since: the admin screen shows a notice. */
    needsAttention: { type: Boolean, default: false },
    createdBy: String,
    updatedBy: String,
    /** Write version and the id of the write that made it (written under a lease; see @cg/core updateSerialised). */
    version: { type: Number, default: 0 },
    writeId: String,
  },
  { timestamps: true, collection: 'webhook_endpoints' },
);

// enabledFor(type): the fan-out of every case event reads the enabled endpoints (a handful; events filtered in memory).
webhookEndpointSchema.index({ enabled: 1 });

export type WebhookEndpointDocument = InferSchemaType<typeof webhookEndpointSchema>;
