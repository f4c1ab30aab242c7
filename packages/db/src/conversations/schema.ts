import { Schema, type InferSchemaType } from 'mongoose';
import { LIVECHAT_LOCALES, STAFF_ROLES, chatSenderKinds } from '@cg/contracts';

const attachmentRefSchema = new Schema({ id: String, fileName: String, contentType: String, size: Number, sha256: String }, { _id: false });

/**
 * A livechat conversation: the visitor's identity as given in the pre-chat form, the case it
 * became (once the first complaint message went through intake), and the message counter.
 */
export const conversationSchema = new Schema(
  {
    /** Random id carried in the visitor's signed token. */
    visitorId: { type: String, required: true },
    status: { type: String, enum: ['open', 'ended'], required: true },
    locale: { type: String, enum: LIVECHAT_LOCALES, required: true },
    customer: {
      name: { type: String, required: true },
      email: String,
      phone: String,
      domain: String,
      customerId: String,
    },
    /**
     * Last message sequence number allocated ($inc); messages carry seq 1, 2, 3 … (gaps possible).
     * The unique (conversationId, seq) index is the real guard: FerretDB v1 can lose concurrent
     * increments, and appendMessage then repairs the counter and retries.
     */
    lastSeq: { type: Number, required: true, default: 0 },
    /** The visitor message that became the complaint (the case's text). */
    firstMessageId: String,
    caseNumber: String,
    receipt: {
      caseNumber: String,
      receivedAt: Date,
      deadlinePolicy: String,
      dueDate: String,
      dueAt: Date,
    },
    lastMessageAt: Date,
    lastMessagePreview: String,
    lastSenderKind: { type: String, enum: chatSenderKinds },
    transcriptRequestedAt: Date,
    endedAt: Date,
    endedBy: { type: String, enum: chatSenderKinds },
    userAgent: String,
  },
  { timestamps: true, collection: 'conversations', minimize: false },
);

// The staff live view: open conversations, most recently active first.
conversationSchema.index({ status: 1, lastMessageAt: -1 });
// Staff looking up the chat of a case (GET …/conversations?caseNumber=).
conversationSchema.index({ caseNumber: 1 });

export type ConversationDocument = InferSchemaType<typeof conversationSchema>;

/** One message of a conversation. Append-only; never edited. */
export const chatMessageSchema = new Schema(
  {
    conversationId: { type: String, required: true },
    seq: { type: Number, required: true },
    /** The client's message id (visitor, agent) or a server-made one (system, worker): the idempotency key. */
    messageId: { type: String, required: true },
    sender: {
      kind: { type: String, enum: chatSenderKinds, required: true },
      id: String,
      name: String,
      role: { type: String, enum: STAFF_ROLES },
    },
    type: { type: String, enum: ['text', 'receipt', 'notice'], required: true },
    text: { type: String, default: '' },
    attachments: { type: [attachmentRefSchema], default: [] },
    data: { type: Schema.Types.Mixed },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'chat_messages', minimize: false },
);

// The idempotency guard: a client message id is stored once per conversation, however often it is sent.
chatMessageSchema.index({ conversationId: 1, messageId: 1 }, { unique: true });
// Resending what a visitor missed: messages of a conversation after a seq, in order.
chatMessageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });

export type ChatMessageDocument = InferSchemaType<typeof chatMessageSchema>;
