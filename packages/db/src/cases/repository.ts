import type { Connection, Model } from 'mongoose';
import type { AnswerDeliveryStatus, CaseStatus, Channel } from '@cg/contracts';
import type { CaseData, CaseStore, CaseUpdate, StoredCase } from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { caseSchema } from './schema';

/** A stored case as the repository returns it: @cg/core's CaseData plus the database's fields. */
export type CaseRecord = StoredCase & { _id: unknown };

export { OPEN_STATUSES } from '@cg/contracts';

export interface CaseListFilter {
  department?: string;
  /** Department staff's scope: cases of this department or that it collaborates on. */
  visibleToDepartment?: string;
  status?: CaseStatus;
  channel?: Channel;
  /** Already folded (see foldForSearch); matched as a substring of the folded text or the case number. */
  q?: string;
  escalated?: boolean;
  idempotencyKey?: string;
  customerEmail?: string;
  /** A staff id: the cases they own; null: cases nobody owns. */
  ownerId?: string | null;
  /** Whether customer support has confirmed the complaint with the customer (step 2). */
  verified?: boolean;
}

/**
 * Cases in MongoDB. The model stays inside: apps read through these methods, and every change
 * after the insert goes through @cg/core's CaseLifecycle, which calls `updateIfVersion`.
 */
export class CaseRepository implements CaseStore {
  private readonly model: Model<CaseData>;

  constructor(connection: Connection) {
    this.model = connection.model<CaseData>('Case', caseSchema as never);
  }

  /**
   * Inserts the case unless one with the same (channel, idempotencyKey) exists; the unique
   * index decides, so two workers racing on the same complaint create exactly one case.
   */
  async insertIfAbsent(doc: CaseData): Promise<{ record: CaseRecord; created: boolean }> {
    try {
      // Straight to the driver: the document is built and typed by our own code, and mongoose's
      // casting of this large nested document was the worker's largest CPU cost per case.
      const now = new Date();
      const record = { ...doc, createdAt: now, updatedAt: now } as CaseRecord;
      await this.model.collection.insertOne(record as never);
      return { record, created: true };
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

  /**
   * The lifecycle's only write: applies `update` if the case is still at `expectedVersion`
   * (version 0 also matches a case stored before versions existed). Returns the updated case,
   * or null when someone else wrote first. On FerretDB v1 this condition is not atomic on its
   * own; the CaseLifecycle's per-case lease makes writers take turns, and this check stops one
   * whose lease ran out.
   */
  async updateIfVersion(caseNumber: string, expectedVersion: number, update: CaseUpdate): Promise<CaseRecord | null> {
    const filter =
      expectedVersion === 0
        ? { caseNumber, $or: [{ version: 0 }, { version: { $exists: false } }] }
        : { caseNumber, version: expectedVersion };
    const push: Record<string, unknown> = {};
    if (update.pushJournal.length) push.journal = { $each: update.pushJournal };
    if (update.pushAttachments.length) push.attachments = { $each: update.pushAttachments };
    const unset = update.unset.filter((f) => !(f in update.set));
    const result = await this.model.collection.findOneAndUpdate(
      filter,
      {
        $set: { ...update.set, updatedAt: new Date() },
        ...(Object.keys(push).length ? { $push: push } : {}),
        ...(unset.length ? { $unset: Object.fromEntries(unset.map((f) => [f, ''])) } : {}),
      } as never,
      { returnDocument: 'after' },
    );
    return (result as unknown as CaseRecord | null) ?? null;
  }

  async count(filter: CaseListFilter = {}): Promise<number> {
    return this.model.countDocuments(toQuery(filter)).exec();
  }

  /** Removes a case for good (whoever deletes an email case records its tombstone first). */
  async deleteByCaseNumber(caseNumber: string): Promise<boolean> {
    return (await this.model.deleteOne({ caseNumber }).exec()).deletedCount === 1;
  }

  /** When each case was received and stored (the intake benchmark's latency). */
  async intakeTimes(): Promise<Array<{ receivedAt: Date; createdAt: Date }>> {
    return this.model.find({}, { receivedAt: 1, createdAt: 1 }).lean<Array<{ receivedAt: Date; createdAt: Date }>>().exec();
  }

  /**
   * Cases whose answer delivery is in this state, oldest request first: the hotline's callback
   * tasks (`awaiting_callback`) and the postal clerks' print queue (`awaiting_mailing`).
   */
  async listByDeliveryStatus(status: AnswerDeliveryStatus, limit = 200): Promise<CaseRecord[]> {
    return this.model
      .find({ 'answer.delivery.status': status })
      .sort({ 'answer.delivery.requestedAt': 1, _id: 1 })
      .limit(limit)
      .select({ journal: 0, searchText: 0, safeHtml: 0 })
      .lean<CaseRecord[]>()
      .exec();
  }

  async list(
    filter: CaseListFilter,
    page: { offset: number; limit: number; sort?: 'received' | 'deadline' },
  ): Promise<{ items: CaseRecord[]; total: number }> {
    const query = toQuery(filter);
    const [items, total] = await Promise.all([
      this.model
        .find(query)
        .sort(page.sort === 'deadline' ? { 'deadlines.target.dueAt': 1, _id: 1 } : { receivedAt: -1, _id: -1 })
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

function toQuery(filter: CaseListFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const and: Array<Record<string, unknown>> = [];
  if (filter.department) query.department = filter.department;
  if (filter.visibleToDepartment)
    and.push({ $or: [{ department: filter.visibleToDepartment }, { collaborators: filter.visibleToDepartment }] });
  if (filter.status) query.status = filter.status;
  if (filter.channel) query.channel = filter.channel;
  if (filter.escalated !== undefined) query.escalated = filter.escalated;
  if (filter.idempotencyKey) query.idempotencyKey = filter.idempotencyKey;
  if (filter.customerEmail) query['customer.email'] = filter.customerEmail;
  if (filter.ownerId !== undefined) query['owner.id'] = filter.ownerId;
  if (filter.verified !== undefined) query.verification = { $exists: filter.verified };
  if (filter.q) {
    const pattern = escapeRegex(filter.q);
    and.push({ $or: [{ caseNumber: filter.q.toUpperCase() }, { searchText: { $regex: pattern } }] });
  }
  if (and.length === 1) Object.assign(query, and[0]);
  else if (and.length > 1) query.$and = and;
  return query;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
