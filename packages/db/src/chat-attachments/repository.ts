import { Types } from 'mongoose';
import type { AttachmentRef } from '@cg/contracts';
import { chatAttachmentSchema, type ChatAttachmentDocument } from './schema';
import { repositoryOf } from '../repository';

export type ChatAttachmentRecord = ChatAttachmentDocument & { _id: Types.ObjectId; createdAt: Date };

export class ChatAttachmentRepository extends repositoryOf<ChatAttachmentDocument>('ChatAttachment', chatAttachmentSchema) {
  async create(doc: Omit<ChatAttachmentDocument, 'createdAt'>): Promise<AttachmentRef> {
    const created = await this.model.create(doc);
    return toRef(created.toObject());
  }

  /** The file with its bytes, or null (also for an id that is not an ObjectId). */
  async findById(id: string): Promise<ChatAttachmentRecord | null> {
    if (!Types.ObjectId.isValid(id)) return null;
    const record = await this.model.findById(id).lean<ChatAttachmentRecord>().exec();
    if (record) record.data = bytesOf(record.data);
    return record;
  }

  /**
   * Uploads older than `before` (without their bytes), oldest first: the orphan sweep's
   * candidates. A range on createdAt is evaluated by FerretDB v1 in Go, not in PostgreSQL; the
   * sweep runs rarely and takes a bounded page.
   */
  async createdBefore(before: Date, limit: number): Promise<Array<{ id: string; conversationId: string }>> {
    const rows = await this.model
      .find({ createdAt: { $lt: before } }, { conversationId: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<Array<{ _id: Types.ObjectId; conversationId: string }>>()
      .exec();
    return rows.map((r) => ({ id: String(r._id), conversationId: r.conversationId }));
  }

  async deleteByIds(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.model.deleteMany({ _id: { $in: ids } }).exec()).deletedCount;
  }

  /** References (no bytes) of the given uploads that belong to the conversation, in the order asked. */
  async refsInConversation(conversationId: string, ids: string[]): Promise<AttachmentRef[]> {
    if (ids.length === 0) return [];
    const found = await this.model
      .find({ _id: { $in: ids }, conversationId })
      .select({ data: 0 })
      .lean<ChatAttachmentRecord[]>()
      .exec();
    const byId = new Map(found.map((f) => [String(f._id), toRef(f)]));
    return ids.map((id) => byId.get(id)).filter((r): r is AttachmentRef => r !== undefined);
  }
}

function toRef(r: ChatAttachmentRecord): AttachmentRef {
  return { id: String(r._id), fileName: r.fileName, contentType: r.contentType, size: r.size, sha256: r.sha256 };
}

/** lean() hands back a BSON Binary, not a Buffer. */
function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data && typeof (data as { value?: unknown }).value === 'function') return Buffer.from((data as { value(): Uint8Array }).value());
  if (data instanceof Uint8Array) return Buffer.from(data);
  return Buffer.alloc(0);
}
