import { mailTombstoneSchema, type MailTombstoneDocument } from './schema';
import { repositoryOf } from '../repository';

export interface NewMailTombstone {
  mailbox: string;
  messageKey: string;
  caseNumber?: string;
  reason: string;
  deletedBy?: { staffId: string; name?: string };
}

export class MailTombstoneRepository extends repositoryOf<MailTombstoneDocument>('MailTombstone', mailTombstoneSchema) {
  /** Idempotent. Whoever deletes an email case calls this first. */
  async record(t: NewMailTombstone, at = new Date()): Promise<void> {
    await this.model
      .updateOne({ mailbox: t.mailbox, messageKey: t.messageKey }, { $setOnInsert: { ...t, deletedAt: at } }, { upsert: true })
      .exec();
  }

  async tombstoned(mailbox: string, messageKeys: string[]): Promise<Set<string>> {
    if (messageKeys.length === 0) return new Set();
    const rows = await this.model
      .find({ mailbox, messageKey: { $in: messageKeys } })
      .select({ messageKey: 1 })
      .lean<Array<{ messageKey: string }>>()
      .exec();
    return new Set(rows.map((r) => r.messageKey));
  }
}
