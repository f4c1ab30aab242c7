import { mailQuarantineSchema, type MailQuarantineDocument } from './schema';
import { repositoryOf } from '../repository';

export type MailQuarantineRecord = Omit<MailQuarantineDocument, 'createdAt' | 'updatedAt'>;

export class MailQuarantineRepository extends repositoryOf<MailQuarantineDocument>('MailQuarantine', mailQuarantineSchema) {
  /** Idempotent; returns true the first time (so the sender is told once). */
  async record(q: Omit<MailQuarantineRecord, 'senderNotified'>): Promise<boolean> {
    const res = await this.model
      .updateOne(
        { mailbox: q.mailbox, quarantineKey: q.quarantineKey },
        { $setOnInsert: { ...q, senderNotified: false } },
        { upsert: true },
      )
      .exec();
    return res.upsertedCount > 0;
  }

  async has(mailbox: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.model
      .find({ mailbox, quarantineKey: { $in: keys } })
      .select({ quarantineKey: 1 })
      .lean<Array<{ quarantineKey: string }>>()
      .exec();
    return new Set(rows.map((r) => r.quarantineKey));
  }

  async markNotified(mailbox: string, quarantineKey: string): Promise<void> {
    await this.model.updateOne({ mailbox, quarantineKey }, { $set: { senderNotified: true } }).exec();
  }

  async list(limit = 100): Promise<MailQuarantineRecord[]> {
    return this.model.find({}).sort({ quarantinedAt: -1 }).limit(limit).lean<MailQuarantineRecord[]>().exec();
  }
}
