import { Schema, type InferSchemaType } from 'mongoose';
import { LIVECHAT_LOCALES } from '@cg/contracts';

/**
 * A livechat transcript to e-mail to the customer, asked for by the visitor or due because the
 * chat ended. The outbound e-mail worker picks up `pending` ones and marks them `sent`.
 */
export const transcriptRequestSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    /** `<conversationId>:<last seq covered>`: asking twice for the same transcript is one request. */
    dedupeKey: { type: String, required: true },
    email: { type: String, required: true },
    locale: { type: String, enum: LIVECHAT_LOCALES, required: true },
    caseNumber: String,
    reason: { type: String, enum: ['requested', 'chat_ended'], required: true },
    /** Messages up to this seq are in the transcript. */
    upToSeq: { type: Number, required: true },
    status: { type: String, enum: ['pending', 'sent', 'failed'], required: true },
    requestedAt: { type: Date, required: true },
    sentAt: Date,
    error: String,
  },
  { timestamps: true, collection: 'transcript_requests' },
);

// One request per transcript version.
transcriptRequestSchema.index({ dedupeKey: 1 }, { unique: true });
// The outbound worker's scan: pending requests, oldest first.
transcriptRequestSchema.index({ status: 1, requestedAt: 1 });

export type TranscriptRequestDocument = InferSchemaType<typeof transcriptRequestSchema>;
