import { isValidObjectId, type Connection, type Model, type Types } from 'mongoose';
import { POSTAL_TO_VERIFY, type PostalLetterStatus, type StaffRole } from '@cg/contracts';
import { isDuplicateKeyError } from '../connection';
import { postalLetterSchema, type PostalLetterDocument } from './schema';

export type PostalLetterRecord = PostalLetterDocument & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date };

export interface StaffRef {
  staffId: string;
  role: StaffRole;
  name?: string;
}

export interface NewPostalLetter {
  sha256: string;
  fileName: string;
  contentType: string;
  kind: 'pdf' | 'jpeg' | 'png' | 'tiff';
  size: number;
  pageCount: number;
  uploadedBy: StaffRef;
  uploadedAt: Date;
}

export interface PostalOcrPage {
  page: number;
  source: 'text-layer' | 'ocr';
  text: string;
  confidence: number | null;
  lines: { text: string; confidence: number }[];
  rotation: number;
  skewDegrees: number;
  dpi: number;
  imageSha256?: string;
  error?: { code: string; message: string };
  ms: number;
}

export interface PostalOcrOutcome {
  status: 'ocr_done' | 'ocr_failed';
  ocr: { pages: PostalOcrPage[]; confidence: number | null; languages: string; ms: number; finishedAt: Date };
  fields?: Record<string, { value: string; confidence: number; lowConfidence: boolean; line: number }>;
  failure?: { code: string; message: string };
}

export interface PostalConfirmation {
  text: string;
  subject?: string;
  customerRequest?: string;
  fields: Partial<Record<'senderName' | 'address' | 'phone' | 'email' | 'customerId' | 'domain' | 'letterDate', string>>;
  by: StaffRef;
  at: Date;
}

/** Statuses a clerk may confirm or reject from (OCR finished, well or not). */
export const POSTAL_DECIDABLE: readonly PostalLetterStatus[] = ['ocr_done', 'ocr_failed'];

export class PostalLetterRepository {
  readonly model: Model<PostalLetterDocument>;

  constructor(connection: Connection) {
    this.model = connection.model<PostalLetterDocument>('PostalLetter', postalLetterSchema);
  }

  /** Idempotent on the scan's SHA-256: the second upload of the same bytes gets the first letter. */
  async createOrGet(letter: NewPostalLetter): Promise<{ letter: PostalLetterRecord; created: boolean }> {
    try {
      const doc = await this.model.create({ ...letter, status: 'uploaded', receivedAt: letter.uploadedAt });
      return { letter: doc.toObject() as PostalLetterRecord, created: true }; // eslint-disable-line @typescript-eslint/no-unnecessary-type-assertion -- keeps tsc from comparing the inferred document types (it ran out of memory)
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.findBySha256(letter.sha256);
      if (!existing) throw err;
      return { letter: existing, created: false };
    }
  }

  async findById(id: string): Promise<PostalLetterRecord | null> {
    if (!isValidObjectId(id) || !/^[0-9a-f]{24}$/.test(id)) return null;
    return this.model.findById(id).lean<PostalLetterRecord>().exec();
  }

  async findBySha256(sha256: string): Promise<PostalLetterRecord | null> {
    return this.model.findOne({ sha256 }).lean<PostalLetterRecord>().exec();
  }

  /** The OCR job is in the queue. Only from `uploaded`: a later phase is never moved back. */
  async markQueued(id: unknown): Promise<void> {
    await this.model.updateOne({ _id: id, status: 'uploaded' }, { $set: { status: 'ocr_pending' } }).exec();
  }

  /** The OCR job's one write; ignored (false) when the letter already left the OCR phase. */
  async recordOcr(id: unknown, outcome: PostalOcrOutcome): Promise<boolean> {
    const res = await this.model
      .updateOne(
        { _id: id, status: { $in: ['uploaded', 'ocr_pending'] } },
        {
          $set: {
            status: outcome.status,
            ocr: outcome.ocr,
            fields: outcome.fields ?? {},
            ...(outcome.failure ? { failure: outcome.failure } : {}),
          },
        },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  /** Records the clerk's confirmation and the case number (after the intake envelope is durable). */
  async markConfirmed(
    id: unknown,
    confirmation: PostalConfirmation,
    caseNumber: string,
    receivedAt: Date,
  ): Promise<PostalLetterRecord | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, status: { $in: POSTAL_DECIDABLE } },
        { $set: { status: 'confirmed', confirmation, caseNumber, receivedAt } },
        { returnDocument: 'after' },
      )
      .lean<PostalLetterRecord>()
      .exec();
  }

  async markRejected(id: unknown, rejection: { reason: string; by: StaffRef; at: Date }): Promise<PostalLetterRecord | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, status: { $in: POSTAL_DECIDABLE } },
        { $set: { status: 'rejected', rejection } },
        { returnDocument: 'after' },
      )
      .lean<PostalLetterRecord>()
      .exec();
  }

  /** `to_verify`: oldest upload first (its deadline runs from receipt); otherwise newest first. */
  async list(filter: {
    status: 'to_verify' | 'all' | PostalLetterStatus;
    page: number;
    pageSize: number;
  }): Promise<{ items: PostalLetterRecord[]; total: number }> {
    const query =
      filter.status === 'all' ? {} : filter.status === 'to_verify' ? { status: { $in: [...POSTAL_TO_VERIFY] } } : { status: filter.status };
    const sort = filter.status === 'to_verify' ? { uploadedAt: 1 as const } : { uploadedAt: -1 as const };
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort(sort)
        .skip((filter.page - 1) * filter.pageSize)
        .limit(filter.pageSize)
        .lean<PostalLetterRecord[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items, total };
  }
}
