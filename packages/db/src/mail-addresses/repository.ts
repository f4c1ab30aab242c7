import { mailAddressSchema, type MailAddressDocument } from './schema';
import { repositoryOf } from '../repository';

export class MailAddressRepository extends repositoryOf<MailAddressDocument>('MailAddress', mailAddressSchema) {
  async markUndeliverable(address: string, reason: string, at = new Date()): Promise<void> {
    await this.model
      .updateOne(
        { address: address.trim().toLowerCase() },
        { $set: { undeliverable: true, reason: reason.slice(0, 500), lastBounceAt: at }, $inc: { bounces: 1 } },
        { upsert: true },
      )
      .exec();
  }

  async isUndeliverable(address: string): Promise<boolean> {
    const row = await this.model.findOne({ address: address.trim().toLowerCase() }).lean<{ undeliverable?: boolean }>().exec();
    return row?.undeliverable === true;
  }
}
