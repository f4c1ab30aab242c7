import { Types, type Connection, type Model } from 'mongoose';
import type { AttachmentRef, ChatSenderKind, LivechatLocale, StaffRole } from '@cg/contracts';
import { isDuplicateKeyError } from '../connection';
import { chatMessageSchema, conversationSchema, type ChatMessageDocument, type ConversationDocument } from './schema';

export type ConversationRecord = ConversationDocument & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };
export type ChatMessageRecord = ChatMessageDocument & { _id: Types.ObjectId; createdAt: Date };

export interface NewConversation {
  visitorId: string;
  locale: LivechatLocale;
  customer: { name: string; email?: string; phone?: string; domain?: string; customerId?: string };
  userAgent?: string;
}

export interface NewChatMessage {
  conversationId: string;
  /** Idempotency key: the client's message id, or a server-made one. */
  messageId: string;
  sender: { kind: ChatSenderKind; id?: string; name?: string; role?: StaffRole };
  type: 'text' | 'receipt' | 'notice';
  text: string;
  attachments?: AttachmentRef[];
  data?: Record<string, unknown>;
}

export class ConversationNotFoundError extends Error {
  readonly code = 'CONVERSATION_NOT_FOUND';
  constructor(id: string) {
    super(`no conversation ${id}`);
  }
}

export class SeqTakenError extends Error {
  readonly code = 'SEQ_TAKEN';
  constructor(id: string, seq: number) {
    super(`seq ${seq} of conversation ${id} is taken`);
  }
}

export class ConversationEndedError extends Error {
  readonly code = 'CONVERSATION_ENDED';
  constructor(id: string) {
    super(`conversation ${id} has ended`);
  }
}

const PREVIEW_CHARS = 140;

/**
 * Conversations and their messages. Appending is idempotent on (conversation, messageId):
 * the unique index decides, so a message retried after a lost acknowledgement, or sent by two
 * tabs, is stored once. Sequence numbers come from an atomic $inc on the conversation.
 */
export class ConversationRepository {
  readonly conversations: Model<ConversationDocument>;
  readonly messages: Model<ChatMessageDocument>;

  constructor(connection: Connection) {
    this.conversations = connection.model<ConversationDocument>('Conversation', conversationSchema);
    this.messages = connection.model<ChatMessageDocument>('ChatMessage', chatMessageSchema);
  }

  async create(fields: NewConversation): Promise<ConversationRecord> {
    const doc = await this.conversations.create({ ...fields, status: 'open', lastSeq: 0, lastMessageAt: new Date() });
    return doc.toObject();
  }

  async findById(id: string): Promise<ConversationRecord | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    return this.conversations.findById(id).lean<ConversationRecord>().exec();
  }

  async findByCaseNumber(caseNumber: string): Promise<ConversationRecord | null> {
    return this.conversations.findOne({ caseNumber }).lean<ConversationRecord>().exec();
  }

  /** The staff live view: open conversations, most recently active first. */
  async listOpen(limit: number): Promise<ConversationRecord[]> {
    return this.conversations.find({ status: 'open' }).sort({ lastMessageAt: -1 }).limit(limit).lean<ConversationRecord[]>().exec();
  }

  /**
   * Conversations with messages and no case, last active between `from` and `to`, the longest
   * quiet first: the worker's livechat intake sweep (complaints whose intake failed and whose
   * visitor left). Neither filter is a top-level equality, so FerretDB v1 applies them in Go over
   * the conversations it reads; the sweep's window keeps the answer short.
   */
  async withoutCase(from: Date, to: Date, limit: number): Promise<ConversationRecord[]> {
    return this.conversations
      .find({ caseNumber: { $exists: false }, lastSeq: { $gt: 0 }, lastMessageAt: { $gte: from, $lte: to } })
      .sort({ lastMessageAt: 1 })
      .limit(limit)
      .lean<ConversationRecord[]>()
      .exec();
  }

  /** Links the conversation to its case (idempotent: the first case number stays). */
  async setCase(
    conversationId: string,
    firstMessageId: string,
    receipt: { caseNumber: string; receivedAt: Date; deadlinePolicy: string },
  ): Promise<void> {
    await this.conversations
      .updateOne(
        { _id: conversationId, caseNumber: { $exists: false } },
        { $set: { caseNumber: receipt.caseNumber, firstMessageId, receipt } },
      )
      .exec();
  }

  async setReceiptDeadline(conversationId: string, due: { dueDate: string; dueAt: Date }): Promise<void> {
    await this.conversations
      .updateOne({ _id: conversationId }, { $set: { 'receipt.dueDate': due.dueDate, 'receipt.dueAt': due.dueAt } })
      .exec();
  }

  async markTranscriptRequested(conversationId: string, at: Date): Promise<void> {
    await this.conversations.updateOne({ _id: conversationId }, { $set: { transcriptRequestedAt: at } }).exec();
  }

  /** Ends an open conversation; returns false when it was already ended. */
  async end(conversationId: string, by: ChatSenderKind, at: Date): Promise<boolean> {
    const res = await this.conversations
      .updateOne({ _id: conversationId, status: 'open' }, { $set: { status: 'ended', endedAt: at, endedBy: by } })
      .exec();
    return res.modifiedCount === 1;
  }

  /**
   * Stores a message with the seq its caller allocated. Resolves only once MongoDB has it.
   * A message id stored before answers the stored message (`duplicate: true`); a seq already
   * taken throws SeqTakenError (the caller's counter was behind: repair it and allocate again).
   */
  async insertMessage(input: NewChatMessage & { seq: number }): Promise<{ message: ChatMessageRecord; duplicate: boolean }> {
    try {
      const doc = await this.messages.create({
        conversationId: input.conversationId,
        seq: input.seq,
        messageId: input.messageId,
        sender: input.sender,
        type: input.type,
        text: input.text,
        attachments: input.attachments ?? [],
        ...(input.data ? { data: input.data } : {}),
      });
      return { message: doc.toObject(), duplicate: false };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // FerretDB does not say which unique index refused: look the message id up.
      const existing = await this.findMessage(input.conversationId, input.messageId);
      if (existing) return { message: existing, duplicate: true };
      throw new SeqTakenError(input.conversationId, input.seq);
    }
  }

  /**
   * Stores messages made durable in Redis first (the livechat inbox), in one unordered
   * insertMany: each message keeps the seq and creation time it was acknowledged with. A
   * message id stored before is a no-op; `failed` names every index that was not stored and
   * why (`duplicate`: the unique index refused it, the caller tells a stored id from a taken
   * seq; an Error: the database refused that document). Throws when the batch as a whole failed. FerretDB 1.24 reports unordered write errors by index like MongoDB.
   */
  async insertMessages(
    input: Array<NewChatMessage & { seq: number; createdAt: Date }>,
  ): Promise<{ inserted: number; failed: Map<number, 'duplicate' | Error> }> {
    const failed = new Map<number, 'duplicate' | Error>();
    if (input.length === 0) return { inserted: 0, failed };
    const docs = input.map((m) => ({
      _id: new Types.ObjectId(),
      conversationId: m.conversationId,
      seq: m.seq,
      messageId: m.messageId,
      sender: m.sender,
      type: m.type,
      text: m.text ?? '',
      attachments: m.attachments ?? [],
      ...(m.data ? { data: m.data } : {}),
      createdAt: m.createdAt,
    }));
    try {
      // The driver's collection: mongoose's insertMany would stamp a new createdAt and re-index its errors.
      await this.messages.collection.insertMany(docs, { ordered: false });
      return { inserted: docs.length, failed };
    } catch (err) {
      type WriteError = { index: number; code?: number; errmsg?: string };
      // The driver gives one WriteError or an array of them.
      const raw = (err as { writeErrors?: WriteError | WriteError[] }).writeErrors;
      const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (writeErrors.length === 0) throw err; // not about a document (connection, timeout): the whole batch is retried
      for (const w of writeErrors) failed.set(w.index, w.code === 11000 ? 'duplicate' : new Error(w.errmsg ?? `write error ${w.code}`));
      return { inserted: docs.length - failed.size, failed };
    }
  }

  /**
   * Allocates the next seq with $inc on the conversation (the fallback when the Redis counter is
   * unavailable). On FerretDB v1 concurrent increments can be lost; the unique seq index catches it.
   */
  async allocateSeq(conversationId: string, requireOpen: boolean): Promise<ConversationRecord> {
    const conversation = await this.conversations
      .findOneAndUpdate(
        { _id: conversationId, ...(requireOpen ? { status: 'open' } : {}) },
        { $inc: { lastSeq: 1 } },
        { returnDocument: 'after' },
      )
      .lean<ConversationRecord>()
      .exec();
    if (conversation) return conversation;
    if (requireOpen && (await this.findById(conversationId))) throw new ConversationEndedError(conversationId);
    throw new ConversationNotFoundError(conversationId);
  }

  /** The highest stored seq of a conversation (0 when none). */
  async topSeq(conversationId: string): Promise<number> {
    const [top] = await this.messages.find({ conversationId }).sort({ seq: -1 }).limit(1).lean<ChatMessageRecord[]>().exec();
    return top?.seq ?? 0;
  }

  /** Moves the $inc counter past the highest stored seq. */
  async raiseSeq(conversationId: string, atLeast: number): Promise<void> {
    await this.conversations.updateOne({ _id: conversationId, lastSeq: { $lt: atLeast } }, { $set: { lastSeq: atLeast } }).exec();
  }

  /** Keeps the staff list's order and preview current (not on the acknowledgement path). */
  async touch(conversationId: string, m: { seq: number; senderKind: ChatSenderKind; preview: string; at: Date }): Promise<void> {
    await this.conversations
      .updateOne(
        { _id: conversationId },
        {
          $set: { lastMessageAt: m.at, lastSenderKind: m.senderKind, lastMessagePreview: m.preview.slice(0, PREVIEW_CHARS) },
          $max: { lastSeq: m.seq },
        },
      )
      .exec();
  }

  async findMessage(conversationId: string, messageId: string): Promise<ChatMessageRecord | null> {
    return this.messages.findOne({ conversationId, messageId }).lean<ChatMessageRecord>().exec();
  }

  /** Messages after `afterSeq`, oldest first, at most `limit`. */
  async messagesAfter(conversationId: string, afterSeq: number, limit: number): Promise<ChatMessageRecord[]> {
    return this.messages
      .find({ conversationId, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .limit(limit)
      .lean<ChatMessageRecord[]>()
      .exec();
  }

  async countMessages(conversationId: string, filter: { messageId?: string } = {}): Promise<number> {
    return this.messages.countDocuments({ conversationId, ...filter }).exec();
  }
}
