import { Schema, type InferSchemaType } from 'mongoose';

/** What we know about a customer address: a hard bounce makes it undeliverable (no more automatic mail). */
export const mailAddressSchema = new Schema(
  {
    address: { type: String, required: true, lowercase: true, trim: true },
    undeliverable: { type: Boolean, default: false },
    reason: String,
    bounces: { type: Number, default: 0 },
    lastBounceAt: Date,
  },
  { timestamps: true, collection: 'mail_addresses' },
);

// Looked up before every automatic message.
mailAddressSchema.index({ address: 1 }, { unique: true });

export type MailAddressDocument = InferSchemaType<typeof mailAddressSchema>;
