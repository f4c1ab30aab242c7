import { mailCheckpointSchema, type MailCheckpointDocument } from './schema';
import { repositoryOf } from '../repository';

export interface MailCheckpoint {
  mailbox: string;
  folder: string;
  uidValidity: number;
  lastUid: number;
  resyncs: number;
}

export class MailCheckpointRepository extends repositoryOf<MailCheckpointDocument>('MailCheckpoint', mailCheckpointSchema) {
  async get(mailbox: string, folder: string): Promise<MailCheckpoint | null> {
    return this.model.findOne({ mailbox, folder }).lean<MailCheckpoint>().exec();
  }

  /** Starts over at UID 0 under a new UIDVALIDITY (dedupe makes the resync safe). */
  async reset(mailbox: string, folder: string, uidValidity: number, isResync: boolean): Promise<void> {
    await this.model
      .updateOne(
        { mailbox, folder },
        { $set: { uidValidity, lastUid: 0 }, ...(isResync ? { $inc: { resyncs: 1 } } : { $setOnInsert: { resyncs: 0 } }) },
        { upsert: true },
      )
      .exec();
  }

  /** Moves forward only, and only under the same UIDVALIDITY. */
  async advance(mailbox: string, folder: string, uidValidity: number, lastUid: number): Promise<void> {
    await this.model.updateOne({ mailbox, folder, uidValidity, lastUid: { $lt: lastUid } }, { $set: { lastUid } }).exec();
  }
}
