import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A file a visitor uploaded into a livechat conversation. Stored in MongoDB (FerretDB has no
 * GridFS); the gateway caps uploads well below the 16 MB document limit.
 */
export const chatAttachmentSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    visitorId: { type: String, required: true },
    fileName: { type: String, required: true },
    /** Detected from the content (magic bytes), never taken from the client. */
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'chat_attachments' },
);

// A conversation's uploads (checking that a message refers only to its own files).
chatAttachmentSchema.index({ conversationId: 1 });

export type ChatAttachmentDocument = InferSchemaType<typeof chatAttachmentSchema>;
