import { Schema, type InferSchemaType } from 'mongoose';

/** An email whose case staff deleted: it is never imported again, not even after a resync. */
export const mailTombstoneSchema = new Schema(
  {
    mailbox: { type: String, required: true },
    messageKey: { type: String, required: true },
    caseNumber: String,
    reason: { type: String, required: true },
    deletedBy: { staffId: String, name: String },
    deletedAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'mail_tombstones' },
);

// Checked for every new message: (mailbox, messageKey).
mailTombstoneSchema.index({ mailbox: 1, messageKey: 1 }, { unique: true });

export type MailTombstoneDocument = InferSchemaType<typeof mailTombstoneSchema>;
