import { Schema, type InferSchemaType } from 'mongoose';

const addressSchema = new Schema({ address: { type: String, required: true }, name: String }, { _id: false });

/**
 * One inbound email as the poller took it in: the conversation record of the email channel.
 * Written before the envelope is published, so a crash between the two loses nothing.
 */
export const mailMessageSchema = new Schema(
  {
    mailbox: { type: String, required: true },
    /** Message-ID, or `sha256:<hex>` of sender, date and body when the header is missing. */
    messageKey: { type: String, required: true },
    /** `<mailbox>:<messageKey>`: the intake envelope's idempotency key. */
    idempotencyKey: { type: String, required: true },
    messageId: String,
    folder: { type: String, required: true },
    uidValidity: { type: Number, required: true },
    uid: { type: Number, required: true },
    size: Number,
    from: { type: addressSchema, required: true },
    replyTo: addressSchema,
    to: { type: [addressSchema], default: [] },
    subject: String,
    date: Date,
    inReplyTo: { type: [String], default: [] },
    references: { type: [String], default: [] },
    kind: { type: String, enum: ['complaint', 'auto-reply', 'bulk', 'bounce'], required: true },
    kindReasons: { type: [String], default: [] },
    text: { type: String, default: '' },
    /** The text without quoted earlier replies: what was classified. */
    newText: { type: String, default: '' },
    safeHtml: String,
    attachments: [{ _id: false, id: String, fileName: String, contentType: String, size: Number, sha256: String }],
    headers: { type: Schema.Types.Mixed },
    bounce: { type: Schema.Types.Mixed },
    /** received → published (envelope durable) | ignored (automated) ; then the worker sets the disposition. */
    status: { type: String, enum: ['received', 'published', 'ignored'], required: true },
    /** What became of it: new_case, attached, reopened, ignored:<kind>, bounce:<outcome>, tombstoned. */
    disposition: String,
    caseNumber: String,
    receivedAt: { type: Date, required: true },
    publishedAt: Date,
    rawRef: { type: String, required: true },
  },
  { timestamps: true, collection: 'mail_messages', minimize: false },
);

// The dedupe guard: one record per (mailbox, Message-ID or content hash), whatever the poller does.
mailMessageSchema.index({ mailbox: 1, messageKey: 1 }, { unique: true });
// The intake worker finds the record of an email envelope.
mailMessageSchema.index({ idempotencyKey: 1 });
// A case's email conversation, oldest first.
mailMessageSchema.index({ caseNumber: 1, receivedAt: 1 });

export type MailMessageDocument = InferSchemaType<typeof mailMessageSchema>;
