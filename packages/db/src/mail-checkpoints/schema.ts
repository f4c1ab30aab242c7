import { Schema, type InferSchemaType } from 'mongoose';

/** Per mailbox folder: the UIDVALIDITY seen and the last UID whose message was fully handed over. */
export const mailCheckpointSchema = new Schema(
  {
    mailbox: { type: String, required: true },
    folder: { type: String, required: true },
    uidValidity: { type: Number, required: true },
    lastUid: { type: Number, required: true },
    /** How many times a UIDVALIDITY change forced a full resync. */
    resyncs: { type: Number, default: 0 },
  },
  { timestamps: true, collection: 'mail_checkpoints' },
);

// One checkpoint per (mailbox, folder).
mailCheckpointSchema.index({ mailbox: 1, folder: 1 }, { unique: true });

export type MailCheckpointDocument = InferSchemaType<typeof mailCheckpointSchema>;
