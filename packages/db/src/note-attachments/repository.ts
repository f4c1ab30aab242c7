import type { AttachmentRef } from '@cg/contracts';
import { repositoryOf } from '../repository';
import { noteAttachmentSchema, type NoteAttachmentDocument } from './schema';

export interface NoteAttachmentRecord extends AttachmentRef {
  caseNumber: string;
  uploadedBy: string;
  data: Buffer;
}

/** The files of internal notes (one writer: the upload; read by the download route). */
export class NoteAttachmentRepository extends repositoryOf<NoteAttachmentDocument>('NoteAttachment', noteAttachmentSchema) {
  /** Stores the files before the note referencing them is journalled (an orphan file is harmless; a dangling reference is not). */
  async saveAll(files: NoteAttachmentRecord[]): Promise<void> {
    if (files.length === 0) return;
    await this.model.collection.insertMany(files.map(({ id, ...rest }) => ({ _id: id, ...rest, createdAt: new Date() })) as never[]);
  }

  /** Files stored before `before` (ids and cases, no bytes), oldest first: the orphan sweep's candidates. */
  async createdBefore(before: Date, limit: number): Promise<Array<{ id: string; caseNumber: string }>> {
    const rows = await this.model
      .find({ createdAt: { $lt: before } }, { caseNumber: 1 })
      .sort({ createdAt: 1 })
      .limit(limit)
      .lean<Array<{ _id: string; caseNumber: string }>>()
      .exec();
    return rows.map((r) => ({ id: r._id, caseNumber: r.caseNumber }));
  }

  async deleteByIds(ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.model.deleteMany({ _id: { $in: ids } }).exec()).deletedCount;
  }

  async findById(id: string): Promise<NoteAttachmentRecord | null> {
    const doc = await this.model.findById(id).lean().exec();
    if (!doc) return null;
    const data = doc.data as unknown;
    // The driver hands back a BSON Binary; callers want a Buffer.
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from((data as { buffer: Uint8Array }).buffer);
    return {
      id: doc._id,
      caseNumber: doc.caseNumber,
      fileName: doc.fileName,
      contentType: doc.contentType,
      size: doc.size,
      sha256: doc.sha256,
      uploadedBy: doc.uploadedBy,
      data: buffer,
    };
  }
}
