import type { Connection, Model } from 'mongoose';
import type { CaseStatus, Channel } from '@cg/contracts';
import type { NewCaseFields } from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { caseSchema, type CaseDocument } from './schema';

export type CaseRecord = CaseDocument & { _id: unknown; createdAt: Date; updatedAt: Date };

export interface CaseListFilter {
  department?: string;
  status?: CaseStatus;
  channel?: Channel;
  /** Already folded (see foldForSearch); matched as a substring of the folded text or the case number. */
  q?: string;
}

export class CaseRepository {
  readonly model: Model<CaseDocument>;

  constructor(connection: Connection) {
    this.model = connection.model<CaseDocument>('Case', caseSchema);
  }

  /**
   * Inserts the case unless one with the same (channel, idempotencyKey) exists; the unique
   * index decides, so two workers racing on the same complaint create exactly one case.
   */
  async insertIfAbsent(doc: NewCaseFields): Promise<{ record: CaseRecord; created: boolean }> {
    try {
      const created = await this.model.create(doc);
      return { record: created.toObject() as CaseRecord, created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.findByIdempotencyKey(doc.channel, doc.idempotencyKey);
      if (!existing) throw err; // duplicate on another unique key (case number): a real fault
      return { record: existing, created: false };
    }
  }

  async findByIdempotencyKey(channel: Channel, idempotencyKey: string): Promise<CaseRecord | null> {
    return this.model.findOne({ channel, idempotencyKey }).lean<CaseRecord>().exec();
  }

  async findByCaseNumber(caseNumber: string): Promise<CaseRecord | null> {
    return this.model.findOne({ caseNumber }).lean<CaseRecord>().exec();
  }

  async list(
    filter: CaseListFilter,
    page: { offset: number; limit: number },
  ): Promise<{ items: CaseRecord[]; total: number }> {
    const query: Record<string, unknown> = {};
    if (filter.department) query.department = filter.department;
    if (filter.status) query.status = filter.status;
    if (filter.channel) query.channel = filter.channel;
    if (filter.q) {
      const pattern = escapeRegex(filter.q);
      query.$or = [{ caseNumber: filter.q.toUpperCase() }, { searchText: { $regex: pattern } }];
    }
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort({ receivedAt: -1, _id: -1 })
        .skip(page.offset)
        .limit(page.limit)
        .select({ journal: 0, searchText: 0, safeHtml: 0 })
        .lean<CaseRecord[]>()
        .exec(),
      this.model.countDocuments(query).exec(),
    ]);
    return { items, total };
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
