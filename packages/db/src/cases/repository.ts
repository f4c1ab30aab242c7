import type { Connection, Model } from 'mongoose';
import type { AnswerDeliveryStatus, Channel } from '@cg/contracts';
import {
  CASE_REPORT_ROW_FIELDS,
  toCaseIndexRow,
  type CaseData,
  type CaseReportRow,
  type CaseStore,
  type CaseUpdate,
  type StoredCase,
} from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { caseSchema } from './schema';
import { CaseIndexRepository, type CaseIndexFilter, type CaseListItem } from './case-index';
import { ReportDayRepository } from './report-days';
import { toCaseListQuery, type CaseListCursor, type CaseListFilter, type CaseListSort } from './list-query';

/** A stored case as the repository returns it: @cg/core's CaseData plus the database's fields. */
export type CaseRecord = StoredCase & { _id: unknown };

export { OPEN_STATUSES } from '@cg/contracts';
import { OPEN_STATUSES } from '@cg/contracts';

export type { CaseListFilter, CaseListSort, CaseListCursor } from './list-query';
export type { CaseIndexFilter, CaseListItem } from './case-index';
export { decodeCaseListCursor } from './list-query';

/**
 * Cases in MongoDB. The model stays inside: apps read through these methods, and every change
 * after the insert goes through @cg/core's CaseLifecycle, which calls `updateIfVersion`.
 */
export class CaseRepository implements CaseStore {
  private readonly model: Model<CaseData>;
  /** The lists' index (`case_list`, `case_index`): small rows per case, what the lists and the search read (case-index.ts). */
  readonly index: CaseIndexRepository;
  /** The reports' daily totals (`report_days`, report-days.ts), kept by the CaseLifecycle (CaseStore). */
  readonly reportDays: ReportDayRepository;

  constructor(connection: Connection) {
    this.model = connection.model<CaseData>('Case', caseSchema as never);
    this.index = new CaseIndexRepository(connection);
    this.reportDays = new ReportDayRepository(connection);
  }

  /** The case's row of the lists' index (CaseStore: the CaseLifecycle calls it after each write and the insert). */
  async writeIndexRow(c: StoredCase, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    await this.index.put(toCaseIndexRow(c), opts);
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

  /**
   * insertIfAbsent for several cases in one unordered insertMany (the intake worker batches the
   * jobs ready at once): each answer stands alone, in the order given — created, the existing
   * case of the same (channel, idempotencyKey), or the Error of that one document.
   */
  async insertManyIfAbsent(docs: CaseData[]): Promise<Array<{ record: CaseRecord; created: boolean } | Error>> {
    const now = new Date();
    const records = docs.map((doc) => ({ ...doc, createdAt: now, updatedAt: now }) as CaseRecord);
    const failed = new Map<number, { code?: number; errmsg?: string }>();
    try {
      if (records.length) await this.model.collection.insertMany(records as never[], { ordered: false });
    } catch (err) {
      type WriteError = { index: number; code?: number; errmsg?: string };
      const raw = (err as { writeErrors?: WriteError | WriteError[] }).writeErrors;
      const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (writeErrors.length === 0) return records.map(() => err as Error);
      for (const w of writeErrors) failed.set(w.index, w);
    }
    return Promise.all(
      records.map(async (record, i) => {
        const f = failed.get(i);
        if (!f) return { record, created: true };
        if (f.code !== 11000) return new Error(f.errmsg ?? `case insert failed (code ${f.code})`);
        const existing = await this.findByIdempotencyKey(record.channel, record.idempotencyKey);
        // A duplicate on another unique key (case number) is a real fault.
        return existing ? { record: existing, created: false } : new Error(f.errmsg ?? 'duplicate case number');
      }),
    );
  }

  async findByIdempotencyKey(channel: Channel, idempotencyKey: string): Promise<CaseRecord | null> {
    return this.model.findOne({ channel, idempotencyKey }).lean<CaseRecord>().exec();
  }

  /**
   * Open cases after `afterCaseNumber` in case-number order, with what the deadline reconcile
   * sweep needs (its deadlines and the checks already recorded): a keyset page, no skip.
   */
  async openCasesForDeadlines(
    afterCaseNumber: string,
    limit: number,
  ): Promise<Array<Pick<CaseRecord, 'caseNumber' | 'status' | 'deadlines' | 'escalations'>>> {
    return this.model
      .find({ status: { $in: [...OPEN_STATUSES] }, caseNumber: { $gt: afterCaseNumber } })
      .select({ caseNumber: 1, status: 1, deadlines: 1, escalations: 1 })
      .sort({ caseNumber: 1 })
      .limit(limit)
      .lean<Array<Pick<CaseRecord, 'caseNumber' | 'status' | 'deadlines' | 'escalations'>>>()
      .exec();
  }

  /**
   * The cases one staff member recorded (hotline calls logged, letters confirmed), newest first.
   * `recordedBy.staffId` is not a top-level key, so FerretDB v1 filters it in Go over the cases;
   * MongoDB uses its index. A short list (at most `limit`), read by two roles only.
   */
  async listRecordedBy(staffId: string, limit: number): Promise<CaseRecord[]> {
    return this.model.find({ 'recordedBy.staffId': staffId }).sort({ receivedAt: -1 }).limit(limit).lean<CaseRecord[]>().exec();
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
    return this.model.countDocuments(toCaseListQuery(filter)).exec();
  }

  /** Removes a case for good (whoever deletes an email case records its tombstone first). */
  async deleteByCaseNumber(caseNumber: string): Promise<boolean> {
    const deleted = (await this.model.deleteOne({ caseNumber }).exec()).deletedCount === 1;
    await this.index.remove(caseNumber);
    return deleted;
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

  /**
   * One page of a case list, read from the lists' index (case-index.ts): keyset pagination
   * (`cursor`: the page after that cursor), or the old `offset` (skip) kept for page-numbered
   * clients. `count` adds the exact total (it reads every matching row): only on request.
   * `nextCursor` is null on the last page.
   */
  async list(
    filter: CaseIndexFilter,
    page: { limit: number; sort?: CaseListSort; cursor?: CaseListCursor; offset?: number; count?: boolean },
  ): Promise<{ items: CaseListItem[]; nextCursor: string | null; total?: number }> {
    const [found, total] = await Promise.all([this.index.page(filter, page), page.count ? this.index.count(filter) : undefined]);
    return { ...found, ...(total !== undefined ? { total } : {}) };
  }

  /**
   * The reports' volumes of cases received in [from, to): by channel, by department, by ISO week.
   * One scan: a single $group on (week, channel, department) — at most a few thousand groups —
   * summed three ways here. Only $match/$group/$sum/$sort, which FerretDB v1 runs.
   */
  async volumes(from: Date, to: Date): Promise<Record<'byChannel' | 'byDepartment' | 'byWeek', Array<{ key: string; count: number }>>> {
    const groups = await this.model.collection
      .aggregate<{ _id: { week?: string; channel: string; department: string }; count: number }>([
        { $match: { receivedAt: { $gte: from, $lt: to } } },
        { $group: { _id: { week: '$receivedWeek', channel: '$channel', department: '$department' }, count: { $sum: 1 } } },
      ])
      .toArray();
    const tally = (key: (g: (typeof groups)[number]['_id']) => string) => {
      const counts = new Map<string, number>();
      for (const g of groups) counts.set(key(g._id), (counts.get(key(g._id)) ?? 0) + g.count);
      return [...counts].map(([k, count]) => ({ key: k, count })).sort((a, b) => a.key.localeCompare(b.key));
    };
    return {
      byChannel: tally((g) => g.channel),
      byDepartment: tally((g) => g.department),
      byWeek: tally((g) => g.week ?? 'unknown'), // cases not yet reindexed have no week
    };
  }

  /**
   * The reports' rows of the cases received in these ISO weeks (`receivedWeek`), streamed: the
   * top-level fields a report reads (@cg/core CASE_REPORT_ROW_FIELDS), never the case with its
   * journal. One query per week, filtered by equality: the only filter FerretDB v1 pushes down to
   * PostgreSQL (a `receivedAt` range would be evaluated in Go over every case); the caller trims
   * the edge weeks to the exact range. Cases without `receivedWeek` (stored before it, not yet
   * reindexed) are not found.
   */
  async *reportRows(weeks: readonly string[]): AsyncGenerator<CaseReportRow> {
    const projection: Record<string, 0 | 1> = { _id: 0 };
    for (const field of CASE_REPORT_ROW_FIELDS) projection[field] = 1;
    for (const week of weeks) {
      const cursor = this.model.collection.find({ receivedWeek: week }, { projection, batchSize: 2000 });
      for await (const row of cursor) yield row as unknown as CaseReportRow;
    }
  }

  /** Every case's report row, streamed (`cli reports:rebuild`: FerretDB decodes each case whole, minutes at 100,000). */
  async *allReportRows(): AsyncGenerator<CaseReportRow> {
    const projection: Record<string, 0 | 1> = { _id: 0 };
    for (const field of CASE_REPORT_ROW_FIELDS) projection[field] = 1;
    for await (const row of this.model.collection.find({}, { projection, batchSize: 2000 })) yield row as unknown as CaseReportRow;
  }

  /**
   * Where the lists' index and the cases disagree (`cli cases:reindex`): cases whose row is
   * missing or of another version, and rows whose case is gone. Reads every case's number and
   * version and every row's (FerretDB decodes each case whole: minutes at 100,000 cases).
   */
  async indexDrift(): Promise<{ stale: string[]; orphans: string[] }> {
    const rows = new Map<string, number>();
    for await (const r of this.index.versions()) rows.set(r.caseNumber, r.version);
    const stale: string[] = [];
    const cases = this.model.collection.find({}, { projection: { _id: 0, caseNumber: 1, version: 1 }, batchSize: 1000 });
    for await (const c of cases as AsyncIterable<{ caseNumber: string; version?: number }>) {
      if (rows.get(c.caseNumber) !== (c.version ?? 0)) stale.push(c.caseNumber);
      rows.delete(c.caseNumber);
    }
    return { stale, orphans: [...rows.keys()] };
  }

  /** Cases stored before the derived list keys or the reports' facts existed (their `cli cases:reindex` backfill), a batch at a time. */
  async caseNumbersWithoutListKeys(limit: number): Promise<string[]> {
    const rows = await this.model
      .find(
        {
          $or: [
            { openOwnerKey: { $exists: false } },
            { searchTerms: { $exists: false } },
            { receivedWeek: { $exists: false } },
            { surveyRatings: { $exists: false } }, // the reports' facts (caseReportFacts)
          ],
        },
        { caseNumber: 1 },
      )
      .limit(limit)
      .lean<Array<{ caseNumber: string }>>()
      .exec();
    return rows.map((r) => r.caseNumber);
  }
}
