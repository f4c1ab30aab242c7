import { isDuplicateKeyError } from '../connection';
import { mailOutboundSchema, type MailOutboundDocument } from './schema';
import { repositoryOf } from '../repository';

export type MailOutboundRecord = MailOutboundDocument & { _id: { toString(): string }; createdAt: Date; updatedAt: Date };
export type NewMailOutbound = Pick<MailOutboundDocument, 'kind' | 'dedupeKey' | 'to' | 'subject' | 'text' | 'messageId' | 'autoSubmitted'> &
  Partial<Pick<MailOutboundDocument, 'caseNumber' | 'html' | 'inReplyTo' | 'references' | 'createdBy' | 'attachments'>>;

export class MailOutboundRepository extends repositoryOf<MailOutboundDocument>('MailOutbound', mailOutboundSchema) {
  /** Records the message as pending unless its dedupeKey exists; returns the row either way. */
  async createIfAbsent(
    doc: NewMailOutbound,
    /** `direct`: the caller sends it itself (the pending relay skips it). */
    status: 'pending' | 'direct' = 'pending',
  ): Promise<{ record: MailOutboundRecord; created: boolean }> {
    try {
      const created = await this.model.create({ ...doc, status, attempts: 0 });
      return { record: created.toObject(), created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.model.findOne({ dedupeKey: doc.dedupeKey }).lean<MailOutboundRecord>().exec();
      if (!existing) throw err;
      return { record: existing, created: false };
    }
  }

  async findById(id: string): Promise<MailOutboundRecord | null> {
    return this.model.findById(id).lean<MailOutboundRecord>().exec();
  }

  async findByDedupeKey(dedupeKey: string): Promise<MailOutboundRecord | null> {
    return this.model.findOne({ dedupeKey }).lean<MailOutboundRecord>().exec();
  }

  async findByMessageId(messageId: string): Promise<MailOutboundRecord | null> {
    return this.model.findOne({ messageId }).lean<MailOutboundRecord>().exec();
  }

  /**
   * Rows not settled yet (not sent, suppressed, bounced or failed), oldest first: the relay
   * (re-)queues them. `from`: the page starting at that creation time (inclusive; the relay skips
   * the ids it has just seen), so the relay walks every pending row, not only the oldest page.
   */
  async pending(olderThanMs: number, limit: number, from?: Date): Promise<MailOutboundRecord[]> {
    const createdAt = { $lte: new Date(Date.now() - olderThanMs), ...(from ? { $gte: from } : {}) };
    return this.model
      .find({ status: 'pending', createdAt })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit)
      .lean<MailOutboundRecord[]>()
      .exec();
  }

  /** Sending failed for good: the final status (only rows not settled otherwise). */
  async markFailed(id: string, reason: string): Promise<void> {
    await this.model
      .updateOne({ _id: id, status: { $in: ['pending', 'queued', 'direct'] } }, { $set: { status: 'failed', statusReason: reason } })
      .exec();
  }

  /** Mail that failed for good, newest first (the console's Deliveries: failures). */
  async listFailed(limit = 200): Promise<MailOutboundRecord[]> {
    return this.model
      .find({ status: 'failed' })
      .sort({ createdAt: -1 })
      .limit(limit)
      .select({ html: 0 })
      .lean<MailOutboundRecord[]>()
      .exec();
  }

  async recordAttempt(id: string, error: string | undefined): Promise<void> {
    await this.model
      .updateOne({ _id: id }, { $inc: { attempts: 1 }, ...(error ? { $set: { lastError: error.slice(0, 1000) } } : {}) })
      .exec();
  }

  async markSent(id: string, smtpResponse: string, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status: 'sent', smtpResponse: smtpResponse.slice(0, 500), sentAt: at } }).exec();
  }

  async markStatus(id: string, status: 'suppressed' | 'bounced' | 'failed', reason: string): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { status, statusReason: reason } }).exec();
  }

  async listForCase(caseNumber: string): Promise<MailOutboundRecord[]> {
    return this.model.find({ caseNumber }).sort({ createdAt: 1 }).lean<MailOutboundRecord[]>().exec();
  }

  /** The last message we sent on a case (replies thread under it). */
  async lastForCase(caseNumber: string): Promise<MailOutboundRecord | null> {
    return this.model.findOne({ caseNumber }).sort({ createdAt: -1 }).lean<MailOutboundRecord>().exec();
  }
}
