import { isDuplicateKeyError } from '../connection';
import { mailMessageSchema, type MailMessageDocument } from './schema';
import { repositoryOf } from '../repository';

export type MailMessageRecord = MailMessageDocument & { _id: { toString(): string }; createdAt: Date; updatedAt: Date };
export type NewMailMessage = Omit<MailMessageDocument, 'createdAt' | 'updatedAt'>;

export class MailMessageRepository extends repositoryOf<MailMessageDocument>('MailMessage', mailMessageSchema) {
  /**
   * What is known of each key: `done` when the message was handed over (automated mail, or the
   * worker recorded what it became), `received` when stored but perhaps not yet published.
   */
  async statusOf(mailbox: string, messageKeys: string[]): Promise<Map<string, 'done' | 'received'>> {
    if (messageKeys.length === 0) return new Map();
    const rows = await this.model
      .find({ mailbox, messageKey: { $in: messageKeys } })
      .select({ messageKey: 1, status: 1, disposition: 1 })
      .lean<Array<{ messageKey: string; status: string; disposition?: string }>>()
      .exec();
    return new Map(rows.map((r) => [r.messageKey, r.status === 'ignored' || r.disposition ? 'done' : 'received']));
  }

  /** Inserts unless (mailbox, messageKey) exists; the unique index decides. */
  async insertIfAbsent(doc: NewMailMessage): Promise<{ record: MailMessageRecord; created: boolean }> {
    try {
      const created = await this.model.create(doc);
      return { record: created.toObject(), created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.find(doc.mailbox, doc.messageKey);
      if (!existing) throw err;
      return { record: existing, created: false };
    }
  }

  async find(mailbox: string, messageKey: string): Promise<MailMessageRecord | null> {
    return this.model.findOne({ mailbox, messageKey }).lean<MailMessageRecord>().exec();
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<MailMessageRecord | null> {
    return this.model.findOne({ idempotencyKey }).lean<MailMessageRecord>().exec();
  }

  async markIgnored(mailbox: string, messageKey: string, disposition: string): Promise<void> {
    await this.model.updateOne({ mailbox, messageKey }, { $set: { status: 'ignored', disposition } }).exec();
  }

  /** The worker's decision: which case the message belongs to and how it got there. */
  async setDisposition(idempotencyKey: string, caseNumber: string | undefined, disposition: string): Promise<void> {
    await this.model.updateOne({ idempotencyKey }, { $set: { disposition, ...(caseNumber ? { caseNumber } : {}) } }).exec();
  }

  async listForCase(caseNumber: string): Promise<MailMessageRecord[]> {
    return this.model.find({ caseNumber }).sort({ receivedAt: 1 }).select({ headers: 0 }).lean<MailMessageRecord[]>().exec();
  }

  async count(filter: Record<string, unknown> = {}): Promise<number> {
    return this.model.countDocuments(filter).exec();
  }
}
