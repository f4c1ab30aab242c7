import { Schema, type Collection, type Connection } from 'mongoose';
import { CASE_NUMBER_PATTERN, OPEN_STATUSES } from '@cg/contracts';
import {
  CASE_INDEX_BUCKET_LEVELS,
  CASE_INDEX_TERM_FIELDS,
  searchTermsOf,
  termsByField,
  timeBucket,
  timeBucketRange,
  type CaseIndexRow,
  type CaseSummaryView,
} from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { encodeCaseListCursor, type CaseListCursor, type CaseListFilter, type CaseListSort } from './list-query';

/*
 * The lists' index (`case_index`, one small row per case: @cg/core case-index.ts) and how a list
 * page is read from it, shaped for FerretDB v1.24 on PostgreSQL as much as for MongoDB.
 *
 * FerretDB v1 pushes only top-level equalities down to PostgreSQL; every other condition, the
 * sort and the limit run in Go on every row those equalities return, each decoded from JSON
 * first (≈ 0.2 ms a row here). With tools/ferretdb's GIN companions the equalities are index
 * lookups, so a query costs about the rows it matches — all of them: FerretDB's limit stops its
 * decoding, but PostgreSQL still sends every matching row. So the short lists (open cases only:
 * a queue, someone's cases) are read whole and sorted here, and the others as a walk over time
 * buckets: each probe is `{...equalities, receivedBuckets: '<level>:<n>'}` (or dueBuckets), from
 * the smallest buckets up; a sparse bucket makes the next one 16 times larger, one that holds
 * more than PROBE_ROWS is read again as its 16 smaller ones. Rows are sorted here, and the
 * level a list's first page settled at is where it starts next time. On MongoDB each probe
 * is an index lookup too (`receivedBuckets` is multikey).
 */

/** The most rows one probe may return: one more means the bucket is too full at this level. */
const PROBE_ROWS = 150;
/** A page never takes more probes than this (≈ 5 ms each when empty). */
const MAX_PROBES = 96;
const TOP = CASE_INDEX_BUCKET_LEVELS.length - 1;
const YEAR = 366 * 86_400_000;

/** The filters the index serves; `idempotencyKey` stays on `cases` (count). */
export type CaseIndexFilter = Omit<CaseListFilter, 'idempotencyKey'>;

/** A list's item: what the API lists of a case, and its version (jobs that act on the cases listed condition on it). */
export type CaseListItem = CaseSummaryView & { version: number };

// Single-field indexes: on FerretDB each one's GIN companion (tools/ferretdb) serves the
// equality it is named after, and PostgreSQL combines them; on MongoDB a probe uses one.
const caseIndexSchema = new Schema(
  {
    _id: String, // the case number: the lookup by number
    department: String, // a department's queue
    status: String, // the queues by status
    channel: String, // by channel
    escalated: Boolean, // the supervisors' list
    verified: Boolean, // customer support's "to verify"
    openOwnerKey: String, // my open cases, the unclaimed queue
    ownerKey: String, // my answered / closed cases
    customerEmail: String, // the customer's other cases (possible duplicates)
    visibleTo: [String], // department staff's scope (department or collaborator)
    terms0: [String], // the search's inverted index, split in four (termField)
    terms1: [String],
    terms2: [String],
    terms3: [String],
    receivedBuckets: [String], // every list sorted by receipt (newest first)
    dueBuckets: [String], // every list sorted by deadline (most urgent first)
  },
  { collection: 'case_index', versionKey: false, strict: false, autoCreate: false },
);
for (const field of [
  'department',
  'status',
  'channel',
  'escalated',
  'verified',
  'openOwnerKey',
  'ownerKey',
  'customerEmail',
  'visibleTo',
  ...CASE_INDEX_TERM_FIELDS,
  'receivedBuckets',
  'dueBuckets',
])
  caseIndexSchema.index({ [field]: 1 });

/** What a list reads of a row: not the buckets; the terms only when some are checked here. */
const PROJECTION = { receivedBuckets: 0, dueBuckets: 0 } as const;
const WITHOUT_TERMS = { ...PROJECTION, ...Object.fromEntries(CASE_INDEX_TERM_FIELDS.map((f) => [f, 0])) };

type Row = Omit<CaseIndexRow, 'receivedBuckets' | 'dueBuckets'>;

/** A position in a walk: rows strictly after it come next (`id` '' at a bucket edge). */
interface Bound {
  key: number;
  id: string;
}

export class CaseIndexRepository {
  private readonly rows: Collection<CaseIndexRow>;
  /** The bucket level a list's first page last started reading at (per filter and sort), so it starts there again. */
  private readonly startLevels = new Map<string, number>();

  /** `ifAbsent` rows waiting for the insert in flight to finish (see insertIfAbsent). */
  private readonly absentQueue: Array<{ row: CaseIndexRow; resolve: () => void; reject: (err: Error) => void }> = [];
  private insertingAbsent = false;

  constructor(connection: Connection) {
    this.rows = connection.model('CaseIndexRow', caseIndexSchema).collection as unknown as Collection<CaseIndexRow>;
  }

  /**
   * Writes a case's row unless the stored one is of a newer version (`ifAbsent`: only when there
   * is none). Called under the case's lease (CaseLifecycle), which keeps two writers of one row
   * from interleaving — FerretDB v1's conditional replace is a read then a write.
   */
  async put(row: CaseIndexRow, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    if (opts.ifAbsent) return this.insertIfAbsent(row);
    const replaced = await this.rows.replaceOne({ _id: row._id, version: { $lte: row.version } }, row);
    if (replaced.matchedCount > 0) return;
    try {
      await this.rows.insertOne(row);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // a row of a newer version is there: keep it
    }
  }

  /**
   * The intake's rows (`ifAbsent`, after each case insert): the ones that arrive while an insert
   * is in flight go together in the next unordered insertMany — no timer, so a lone row is
   * written at once. A row whose case already has one (duplicate `_id`) keeps the stored one,
   * as insertOne did; any other refusal fails that row's caller alone.
   */
  private insertIfAbsent(row: CaseIndexRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.absentQueue.push({ row, resolve, reject });
      if (!this.insertingAbsent) void this.drainAbsent();
    });
  }

  private async drainAbsent(): Promise<void> {
    this.insertingAbsent = true;
    try {
      while (this.absentQueue.length) {
        const batch = this.absentQueue.splice(0, 500);
        const refused = new Map<number, Error>();
        try {
          await this.rows.insertMany(
            batch.map((b) => b.row),
            { ordered: false },
          );
        } catch (err) {
          type WriteError = { index: number; code?: number; errmsg?: string };
          const raw = (err as { writeErrors?: WriteError | WriteError[] }).writeErrors;
          const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
          if (writeErrors.length === 0) for (let i = 0; i < batch.length; i++) refused.set(i, err as Error);
          for (const w of writeErrors)
            if (w.code !== 11000) refused.set(w.index, new Error(w.errmsg ?? `case index row insert failed (code ${w.code})`));
        }
        batch.forEach((b, i) => {
          const err = refused.get(i);
          if (err) b.reject(err);
          else b.resolve();
        });
      }
    } finally {
      this.insertingAbsent = false;
    }
  }

  async remove(caseNumber: string): Promise<void> {
    await this.rows.deleteOne({ _id: caseNumber });
  }

  async get(caseNumber: string): Promise<CaseIndexRow | null> {
    return this.rows.findOne({ _id: caseNumber });
  }

  /** Every row's case number and version (the reindex compares them with the cases'). */
  async *versions(): AsyncGenerator<{ caseNumber: string; version: number }> {
    for await (const r of this.rows.find({}, { projection: { version: 1 }, batchSize: 2000 }))
      yield { caseNumber: r._id, version: r.version };
  }

  /** The exact number of cases in the list: every matching row is decoded (asked for with count=true). */
  async count(filter: CaseIndexFilter): Promise<number> {
    const { equalities, terms } = compile(filter);
    const query: Record<string, unknown> = { ...equalities };
    for (const [field, words] of Object.entries(termsByField(terms)))
      if (words.length > 0) query[field] = { $eq: equalities[field], $all: words }; // $eq pushed down, $all checked in Go
    return this.rows.countDocuments(query);
  }

  /**
   * One page of a list in its sort (received: newest first; deadline: most urgent first, cases
   * without a deadline first), `_id` breaking ties; `offset` skips that many (page numbers, for
   * older clients: it reads every skipped row). `nextCursor` is null on the last page.
   */
  async page(
    filter: CaseIndexFilter,
    page: { limit: number; sort?: CaseListSort; cursor?: CaseListCursor; offset?: number },
  ): Promise<{ items: CaseListItem[]; nextCursor: string | null }> {
    const sort = page.sort ?? 'received';
    if (page.cursor && page.cursor.sort !== sort) throw new Error('the cursor belongs to the other sort');
    const { equalities, terms } = compile(filter);
    const wanted = (page.offset ?? 0) + page.limit;
    if (typeof equalities._id === 'string') {
      // A case number: one lookup.
      const row = await this.rows.findOne(equalities, { projection: PROJECTION });
      const items = row && !page.cursor && !page.offset ? [summaryOf(row)] : [];
      return { items, nextCursor: null };
    }
    const walk = boundedByOpenCases(filter)
      ? await this.whole(equalities, terms, sort, page.cursor)
      : await this.walk(equalities, terms, sort, wanted + 1, page.cursor);
    const rows = walk.rows.slice(page.offset ?? 0, wanted);
    const last = rows[rows.length - 1];
    let nextCursor: string | null = null;
    if (walk.rows.length > wanted && last) {
      const key = new Date(sort === 'deadline' ? last.dueAt : last.sortReceivedAt);
      nextCursor = encodeCaseListCursor({ sort, key, id: last._id, level: walk.level });
    } else if (walk.resume) {
      // The walk stopped at its probe limit (a long stretch of buckets without a match): a short
      // page, and the cursor goes on from where it stopped.
      nextCursor = encodeCaseListCursor({ sort, key: new Date(walk.resume.key), id: walk.resume.id, level: walk.level });
    }
    return { items: rows.map(summaryOf), nextCursor };
  }

  /**
   * A list of open cases only (a queue, someone's cases, the unclaimed): at most a few hundred
   * rows even at 100,000 cases, read with its equalities alone and sorted here — a bucket walk
   * from the epoch to today's deadlines would cost more probes than the rows.
   */
  private async whole(
    equalities: Record<string, unknown>,
    terms: string[],
    sort: CaseListSort,
    cursor?: CaseListCursor,
  ): Promise<{ rows: Row[]; level: number; resume?: Bound }> {
    const { after, order, hasAll, projection } = this.walkOrder(equalities, terms, sort);
    const bound: Bound | null = cursor ? { key: cursor.key.getTime(), id: cursor.id } : null;
    const rows = await this.rows.find(equalities, { projection, batchSize: 1000 }).toArray();
    return { rows: rows.filter((r) => (!bound || after(r, bound)) && hasAll(r)).sort(order), level: 0 };
  }

  /** How rows follow each other in a sort, and which the search must still check here. */
  private walkOrder(equalities: Record<string, unknown>, terms: string[], sort: CaseListSort) {
    const newestFirst = sort === 'received';
    const keyOf = (r: Row) => new Date(newestFirst ? r.sortReceivedAt : r.dueAt).getTime();
    // Newest first by (sortReceivedAt, _id) descending; most urgent first by (dueAt, _id) ascending.
    const after = (r: Row, b: Bound) => {
      const k = keyOf(r);
      return newestFirst ? k < b.key || (k === b.key && r._id < b.id) : k > b.key || (k === b.key && r._id > b.id);
    };
    const order = (a: Row, b: Row) => {
      const d = keyOf(a) - keyOf(b) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
      return newestFirst ? -d : d;
    };
    // Words beyond the one equality per terms field are checked here, on the rows found.
    const checked = terms.filter((t) => !Object.values(equalities).includes(t));
    const wordsOf = (r: Row) => new Set(CASE_INDEX_TERM_FIELDS.flatMap((f) => r[f] ?? []));
    const hasAll = checked.length === 0 ? () => true : (r: Row) => checked.every((t) => wordsOf(r).has(t));
    const projection = checked.length === 0 ? WITHOUT_TERMS : PROJECTION;
    return { newestFirst, after, order, hasAll, projection };
  }

  /** Reads buckets in the sort's direction from the cursor until `need` rows are found or none are left. */
  private async walk(
    equalities: Record<string, unknown>,
    terms: string[],
    sort: CaseListSort,
    need: number,
    cursor?: CaseListCursor,
  ): Promise<{ rows: Row[]; level: number; resume?: Bound }> {
    const { newestFirst, after, order, hasAll, projection } = this.walkOrder(equalities, terms, sort);
    const field = newestFirst ? 'receivedBuckets' : 'dueBuckets';

    const signature = `${sort} ${JSON.stringify(equalities)}`;
    let bound: Bound | null = cursor ? { key: cursor.key.getTime(), id: cursor.id } : null;
    // The instant whose bucket is read next. Newest first starts an hour ahead (servers' clocks
    // differ; a receipt dated later than its storing sorts at the storing: toCaseIndexRow);
    // most urgent first at the epoch, where cases without a deadline sort.
    let at = bound ? bound.key : newestFirst ? Date.now() + 3_600_000 : 0;
    // The smallest buckets first (a list's first read of the day): a bucket that holds more than a
    // probe reads still costs all its rows (FerretDB's limit stops decoding, not PostgreSQL), so
    // buckets only grow after sparse ones.
    let level = Math.min(TOP, Math.max(0, cursor?.level ?? this.startLevels.get(signature) ?? 0));
    let startLevel: number | undefined;
    // Buckets found too full: no level at or above theirs is read again until the walk leaves them.
    const ceilings: Array<{ level: number; start: number; end: number }> = [];
    const found: Row[] = [];
    let ended = false;
    for (let probe = 0; found.length < need && probe < MAX_PROBES; probe++) {
      if (newestFirst ? at < 0 : at > Date.now() + 30 * YEAR) {
        ended = true;
        break;
      }
      const bits = CASE_INDEX_BUCKET_LEVELS[level]!;
      const range = timeBucketRange(bits, at);
      const query = { ...equalities, [field]: timeBucket(bits, at) };
      let rows = await this.rows.find(query, { projection, limit: PROBE_ROWS + 1, batchSize: PROBE_ROWS + 1 }).toArray();
      if (rows.length > PROBE_ROWS) {
        if (level > 0) {
          ceilings.push({ level, ...range });
          level--;
          continue;
        }
        rows = await this.rows.find(query, { projection }).toArray(); // over PROBE_ROWS cases in 8.5 minutes: all of them
      }
      startLevel ??= level;
      found.push(...rows.filter((r) => (!bound || after(r, bound)) && hasAll(r)).sort(order));
      // This bucket is read whole: the walk goes on past its edge.
      bound = newestFirst ? { key: range.start, id: '' } : { key: range.end - 1, id: '\uffff' };
      at = newestFirst ? range.start - 1 : range.end;
      while (ceilings.length && (at < ceilings[ceilings.length - 1]!.start || at >= ceilings[ceilings.length - 1]!.end)) ceilings.pop();
      const ceiling = ceilings[ceilings.length - 1]?.level ?? TOP + 1;
      if (rows.length * 16 <= PROBE_ROWS && level + 1 < ceiling && level < TOP) level++; // sparse: 16 times wider next
    }
    if (!cursor && startLevel !== undefined) {
      if (this.startLevels.size > 1000) this.startLevels.clear();
      this.startLevels.set(signature, startLevel);
    }
    return { rows: found, level, ...(found.length < need && !ended && bound ? { resume: bound } : {}) };
  }
}

/** Whether the filter keeps to open cases (an open status, or an open owner key): a short list. */
function boundedByOpenCases(filter: CaseIndexFilter): boolean {
  if (filter.status) return OPEN_STATUSES.includes(filter.status);
  return filter.ownerId !== undefined;
}

/** What a list shows of a case (the API's summary, and its version), from its row. */
function summaryOf(r: Row): CaseListItem {
  return {
    version: r.version,
    caseNumber: r.caseNumber,
    status: r.status,
    channel: r.channel,
    department: r.department,
    priority: r.priority,
    customer: r.customer,
    subject: r.subject,
    receivedAt: r.receivedAt,
    deadlines: r.deadlines && { target: r.deadlines.target, cap: r.deadlines.cap },
    escalated: r.escalated,
    owner: r.owner,
    collaborators: r.collaborators,
  };
}

/**
 * The list filter as top-level equalities on the index rows (all pushed down by FerretDB), and
 * the search words the rows must all have. Of the words in each terms field the longest (the
 * most selective, usually) is that field's equality; the others are checked on the rows found.
 */
function compile(filter: CaseIndexFilter): { equalities: Record<string, unknown>; terms: string[] } {
  const q: Record<string, unknown> = {};
  let terms: string[] = [];
  if (filter.department) q.department = filter.department;
  // A department filter equal to the scope keeps the list inside it already.
  if (filter.visibleToDepartment && filter.visibleToDepartment !== filter.department) q.visibleTo = filter.visibleToDepartment;
  if (filter.status) q.status = filter.status;
  if (filter.channel) q.channel = filter.channel;
  if (filter.escalated !== undefined) q.escalated = filter.escalated;
  if (filter.verified !== undefined) q.verified = filter.verified;
  if (filter.customerEmail) q.customerEmail = filter.customerEmail.trim().toLowerCase();
  if (filter.ownerId !== undefined) {
    const key = filter.ownerId === null ? 'none' : `owner:${filter.ownerId}`;
    if (filter.status && !OPEN_STATUSES.includes(filter.status)) q.ownerKey = key;
    else q.openOwnerKey = key;
  }
  if (filter.q) {
    const upper = filter.q.trim().toUpperCase();
    terms = searchTermsOf(filter.q);
    if (CASE_NUMBER_PATTERN.test(upper) || terms.length === 0) {
      q._id = upper; // a case number (or no words at all: nothing but an exact number)
      terms = [];
    } else {
      for (const [field, words] of Object.entries(termsByField(terms)))
        if (words.length > 0) q[field] = words.reduce((a, b) => (b.length > a.length ? b : a));
    }
  }
  return { equalities: q, terms };
}
