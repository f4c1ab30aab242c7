import type { Types } from 'mongoose';
import type { LivechatLocale } from '@cg/contracts';
import { isDuplicateKeyError } from '../connection';
import { transcriptRequestSchema, type TranscriptRequestDocument } from './schema';
import { repositoryOf } from '../repository';

export type TranscriptRequestRecord = TranscriptRequestDocument & { _id: Types.ObjectId };

export interface NewTranscriptRequest {
  conversationId: string;
  email: string;
  locale: LivechatLocale;
  caseNumber?: string;
  reason: 'requested' | 'chat_ended';
  upToSeq: number;
  requestedAt: Date;
}

export class TranscriptRequestRepository extends repositoryOf<TranscriptRequestDocument>('TranscriptRequest', transcriptRequestSchema) {
  /** Idempotent: the same transcript (conversation, last seq) asked for twice is one pending request. */
  async request(r: NewTranscriptRequest): Promise<{ created: boolean }> {
    try {
      await this.model.create({ ...r, dedupeKey: `${r.conversationId}:${r.upToSeq}`, status: 'pending' });
      return { created: true };
    } catch (err) {
      if (isDuplicateKeyError(err)) return { created: false };
      throw err;
    }
  }

  async listPending(limit = 100): Promise<TranscriptRequestRecord[]> {
    return this.model.find({ status: 'pending' }).sort({ requestedAt: 1 }).limit(limit).lean<TranscriptRequestRecord[]>().exec();
  }

  async markSent(id: unknown, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: at } }).exec();
  }

  async markFailed(id: unknown, error: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'failed', error } }).exec();
  }

  async listForConversation(conversationId: string): Promise<TranscriptRequestRecord[]> {
    return this.model.find({ conversationId }).sort({ requestedAt: 1 }).lean<TranscriptRequestRecord[]>().exec();
  }
}
