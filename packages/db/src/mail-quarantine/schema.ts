import { Schema, type InferSchemaType } from 'mongoose';

/** A message the poller could not take in (unparseable, too large, no sender): kept for a person to look at. */
export const mailQuarantineSchema = new Schema(
  {
    mailbox: { type: String, required: true },
    /** Message-ID when known, else `uid:<uidvalidity>/<uid>`. */
    quarantineKey: { type: String, required: true },
    folder: { type: String, required: true },
    uidValidity: { type: Number, required: true },
    uid: { type: Number, required: true },
    /** Where the message now lives (the quarantine folder). */
    movedTo: String,
    code: { type: String, enum: ['unparseable', 'oversize', 'no_sender', 'empty'], required: true },
    reason: { type: String, required: true },
    from: String,
    subject: String,
    size: Number,
    /** The sender was told why (oversize). */
    senderNotified: { type: Boolean, default: false },
    quarantinedAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'mail_quarantine' },
);

// One record per quarantined message.
mailQuarantineSchema.index({ mailbox: 1, quarantineKey: 1 }, { unique: true });
// The operator's list, newest first.
mailQuarantineSchema.index({ quarantinedAt: -1 });

export type MailQuarantineDocument = InferSchemaType<typeof mailQuarantineSchema>;
