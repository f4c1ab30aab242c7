import { mailAttachmentSchema, type MailAttachmentDocument } from './schema';
import { repositoryOf } from '../repository';

export interface MailAttachmentRecord {
  _id: string;
  mailbox: string;
  messageKey: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  data: Buffer;
}

export class MailAttachmentRepository extends repositoryOf<MailAttachmentDocument>('MailAttachment', mailAttachmentSchema) {
  /** Idempotent: the same id written twice is one document. */
  async save(a: MailAttachmentRecord): Promise<void> {
    const { _id, ...rest } = a;
    await this.model.updateOne({ _id }, { $setOnInsert: rest }, { upsert: true }).exec();
  }

  async findById(id: string): Promise<MailAttachmentRecord | null> {
    const doc = await this.model.findById(id).lean().exec();
    if (!doc) return null;
    const data = doc.data as unknown;
    // The driver hands back a BSON Binary; callers want a Buffer.
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer);
    return { ...(doc as unknown as MailAttachmentRecord), data: buffer };
  }
}
