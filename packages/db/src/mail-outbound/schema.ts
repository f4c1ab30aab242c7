import { Schema, type InferSchemaType } from 'mongoose';
import { OUTBOUND_KINDS, STAFF_ROLES } from '@cg/contracts';

/**
 * Every email we send, written before it is queued (an outbox): the gateway writes staff
 * replies here and the worker's relay queues them; the worker writes receipts and queues them
 * at once. `dedupeKey` makes each logical message exist once (one receipt per case).
 */
export const mailOutboundSchema = new Schema(
  {
    kind: { type: String, enum: OUTBOUND_KINDS, required: true },
    dedupeKey: { type: String, required: true },
    caseNumber: String,
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: String,
    /** Our signed Message-ID. */
    messageId: { type: String, required: true },
    inReplyTo: String,
    references: { type: [String], default: [] },
    /** RFC 3834: receipts and notices say they are automatic, so auto-responders stay quiet. */
    autoSubmitted: { type: Boolean, required: true },
    /** Files attached from the content-addressed store (the signed answer letter), by SHA-256. */
    attachments: { type: [Schema.Types.Mixed], default: [] },
    /**
     * `direct`: sent by the job that wrote it (the answer delivery, which journals it on the case);
     * the pending relay leaves it alone. `failed`: that job gave up after its last attempt.
     */
    status: { type: String, enum: ['pending', 'queued', 'direct', 'sent', 'suppressed', 'bounced', 'failed'], required: true },
    statusReason: String,
    attempts: { type: Number, default: 0 },
    lastError: String,
    smtpResponse: String,
    sentAt: Date,
    createdBy: { staffId: String, name: String, role: { type: String, enum: STAFF_ROLES } },
  },
  { timestamps: true, collection: 'mail_outbound', minimize: false },
);

// One logical message once (e.g. `receipt:KN26-00042`).
mailOutboundSchema.index({ dedupeKey: 1 }, { unique: true });
// The pending mail relay (apps/worker): pending rows, oldest first.
mailOutboundSchema.index({ status: 1, createdAt: 1 });
// A bounce names the Message-ID it is about.
mailOutboundSchema.index({ messageId: 1 });
// A case's conversation.
mailOutboundSchema.index({ caseNumber: 1, createdAt: 1 });

/** One attached file: its bytes are in the content-addressed store under `sha256`. */
export interface MailOutboundAttachment {
  fileName: string;
  contentType: string;
  sha256: string;
}

export type MailOutboundDocument = Omit<InferSchemaType<typeof mailOutboundSchema>, 'attachments'> & {
  attachments?: MailOutboundAttachment[];
};
