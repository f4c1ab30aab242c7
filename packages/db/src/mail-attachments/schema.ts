import { Schema, type InferSchemaType } from 'mongoose';

/**
 * One email attachment, content included (a MongoDB document stays below 16 MB; the poller
 * quarantines messages above MAIL_MAX_MESSAGE_BYTES, at most 15 MB). No GridFS: FerretDB lacks it.
 */
export const mailAttachmentSchema = new Schema(
  {
    /** Deterministic (mailbox, message, position) hash, so a re-processed message writes the same ids. */
    _id: { type: String, required: true },
    mailbox: { type: String, required: true },
    messageKey: { type: String, required: true },
    fileName: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: true, collection: 'mail_attachments' },
);

// The attachments of one message.
mailAttachmentSchema.index({ mailbox: 1, messageKey: 1 });

export type MailAttachmentDocument = InferSchemaType<typeof mailAttachmentSchema>;
