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
 * The lists' index (`case_list` and `case_index`: @cg/core case-index.ts) and how a list
 * page is read from it, shaped for FerretDB v1.24 on PostgreSQL as much as for MongoDB.
 *
 * FerretDB v1 pushes only top-level equalities down to PostgreSQL; every other condition, the
 * sort and the limit run in Go on every row those equalities return, each decoded from JSON
 * first (≈ 0.2 ms a row here). With tools/ferretdb's GIN companions the equalities are index
 * lookups, so a query costs about the rows it matches — all of them: FerretDB's limit stops its
 * decoding, but PostgreSQL still sends every matching row. So the short lists (open cases only:
 * a queue, someone's cases) are read whole and sorted here, and the others as a walk over time
 * buckets: each probe is `{...equalities, receivedBuckets: '<level>:<n>'}` (or dueBuckets), from
 * the smallest buckets up; the next bucket is 16 times larger when, at the rate of rows found so
 * far, it should hold few (rows read already inside it count: it gives them again), and one that
 * holds more than PROBE_ROWS is read again as its 16 smaller ones. Newest first, the hour ahead
 * (clocks ahead) and the bucket of now are read at once. Rows are sorted here; the cursor carries
 * the level to go on at, and a deadline walk's first page starts at the level it settled at last
 * time. On MongoDB each probe is an index lookup too (`receivedBuckets` is multikey).
 *
 * FerretDB decodes each row whole, whatever the projection, at a cost that follows the number of
 * values in it (≈ 12 µs a value here: a row of 80 values ≈ 1 ms, bench:queries). So a row is
 * stored twice (StoredRow): in `case_list`, what the lists filter on as top-level values and
 * everything they show as one JSON string (`view`, parsed here: one value for FerretDB); in
 * `case_index`, the same plus the search terms (≈ 40 words a case), which only the search reads.
 * Both are written together (put); `get` gives the CaseIndexRow back from `case_index`.
 */

/** The most rows one probe may return: one more means the bucket is too full at this level. */
const PROBE_ROWS = 80;
/** A page never takes more probes than this (≈ 5 ms each when empty). */
const MAX_PROBES = 96;
const TOP = CASE_INDEX_BUCKET_LEVELS.length - 1;
/** The smallest buckets' size (8.5 minutes). */
const CASE_INDEX_BUCKET_SIZE_MS = 2 ** CASE_INDEX_BUCKET_LEVELS[0] * 1000;
const YEAR = 366 * 86_400_000;

/** The filters the index serves; `idempotencyKey` stays on `cases` (count). */
export type CaseIndexFilter = Omit<CaseListFilter, 'idempotencyKey'>;

/** A list's item: what the API lists of a case, and its version (jobs that act on the cases listed condition on it). */
export type CaseListItem = CaseSummaryView & { version: number };

// Single-field indexes: on FerretDB each one's GIN companion (tools/ferretdb) serves the
// equality it is named after, and PostgreSQL combines them; on MongoDB a probe uses one.
const caseListSchema = new Schema(
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
    receivedBuckets: [String], // every list sorted by receipt (newest first)
    dueBuckets: [String], // every list sorted by deadline (most urgent first)
    view: String, // the rest of the row as JSON (StoredRow)
  },
  { collection: 'case_list', versionKey: false, strict: false, autoCreate: false },
);
const LIST_KEYS = [
  'department',
  'status',
  'channel',
  'escalated',
  'verified',
  'openOwnerKey',
  'ownerKey',
  'customerEmail',
  'visibleTo',
] as const;
for (const field of [...LIST_KEYS, 'receivedBuckets', 'dueBuckets']) caseListSchema.index({ [field]: 1 });

// The whole rows (`case_index`): the list row plus the terms, the search's inverted index
// split in four (termField). A search probe leads with a term; the other keys are checked by
// PostgreSQL on the rows the term's index finds, so they need no index of their own here.
const caseIndexSchema = new Schema(
  { ...caseListSchema.obj, terms0: [String], terms1: [String], terms2: [String], terms3: [String] },
  { collection: 'case_index', versionKey: false, strict: false, autoCreate: false },
);
for (const field of [...CASE_INDEX_TERM_FIELDS, 'receivedBuckets', 'dueBuckets']) caseIndexSchema.index({ [field]: 1 });

/** What a list reads of a row: not the buckets; the terms only when some are checked here. */
const PROJECTION = { receivedBuckets: 0, dueBuckets: 0 } as const;
const WITHOUT_TERMS = { ...PROJECTION, ...Object.fromEntries(CASE_INDEX_TERM_FIELDS.map((f) => [f, 0])) };

type Row = Omit<CaseIndexRow, 'receivedBuckets' | 'dueBuckets'>;

/** The row's fields kept in `view` (one JSON string): what a list shows and sorts on, never filters on. */
const VIEW_FIELDS = [
  'caseNumber',
  'priority',
  'customer',
  'subject',
  'receivedAt',
  'deadlines',
  'owner',
  'collaborators',
  'dueAt',
  'sortReceivedAt',
] as const;
type ViewField = (typeof VIEW_FIELDS)[number];

/**
 * A row as stored: the keys as top-level values (the equalities FerretDB pushes down), the rest
 * in `view`; in `case_index` also the terms. Rows written before `view` hold every field at the
 * top level and are read as they are (`cli cases:reindex` rewrites them).
 */
type StoredRow = Omit<CaseIndexRow, ViewField | (typeof CASE_INDEX_TERM_FIELDS)[number]> &
  Partial<Pick<CaseIndexRow, (typeof CASE_INDEX_TERM_FIELDS)[number]>> & { view?: string };

/** The row's two stored shapes: the lists' (`case_list`) and the whole row (`case_index`). */
function toStored(row: CaseIndexRow): { list: StoredRow; terms: StoredRow } {
  const list: Record<string, unknown> = {};
  const view: Record<string, unknown> = {};
  const terms: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined) continue;
    if ((VIEW_FIELDS as readonly string[]).includes(k)) view[k] = v;
    else if ((CASE_INDEX_TERM_FIELDS as readonly string[]).includes(k)) terms[k] = v;
    else list[k] = v;
  }
  list.view = JSON.stringify(view);
  return { list: list as StoredRow, terms: { ...(list as StoredRow), ...terms } };
}

const asDate = (v: unknown) => (typeof v === 'string' ? new Date(v) : (v as Date));

/** The row again (dates revived; the terms empty when the shape read has none). */
function fromStored(doc: StoredRow): Row & Partial<Pick<CaseIndexRow, 'receivedBuckets' | 'dueBuckets'>> {
  const { view: text, ...keys } = doc;
  const row = { terms0: [], terms1: [], terms2: [], terms3: [], ...keys } as unknown as Row;
  if (typeof text !== 'string') return row; // written before `view`
  const view = JSON.parse(text) as Record<string, unknown> & { deadlines?: Row['deadlines'] };
  Object.assign(row, view, {
    receivedAt: asDate(view.receivedAt),
    dueAt: asDate(view.dueAt),
    sortReceivedAt: asDate(view.sortReceivedAt),
  });
  if (view.deadlines) {
    const { target, cap } = view.deadlines;
    row.deadlines = {
      ...view.deadlines,
      ...(target ? { target: { ...target, dueAt: asDate(target.dueAt) } } : {}),
      ...(cap ? { cap: { ...cap, dueAt: asDate(cap.dueAt) } } : {}),
    };
  }
  return row;
}

/** A position in a walk: rows strictly after it come next (`id` '' at a bucket edge). */
interface Bound {
  key: number;
  id: string;
}

export class CaseIndexRepository {
  /** `case_list`: what the lists read. */
  private readonly lists: Collection<StoredRow>;
  /** `case_index`: the whole rows (the list rows with their terms), what the search and `get` read. */
  private readonly rows: Collection<StoredRow>;
  /** The bucket level a list's first page last started reading at (per filter and sort), so it starts there again. */
  private readonly startLevels = new Map<string, number>();

  /** `ifAbsent` rows waiting for the insert in flight to finish (see insertIfAbsent). */
  private readonly absentQueue: Array<{ row: CaseIndexRow; resolve: () => void; reject: (err: Error) => void }> = [];
  private insertingAbsent = false;

  constructor(connection: Connection) {
    this.lists = connection.model('CaseListRow', caseListSchema).collection as unknown as Collection<StoredRow>;
    this.rows = connection.model('CaseIndexRow', caseIndexSchema).collection as unknown as Collection<StoredRow>;
  }

  /**
   * Writes a case's row unless the stored one is of a newer version (`ifAbsent`: only when there
   * is none). Called under the case's lease (CaseLifecycle), which keeps two writers of one row
   * from interleaving — FerretDB v1's conditional replace is a read then a write. Both stored
   * shapes (StoredRow) are written at once.
   */
  async put(row: CaseIndexRow, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    if (opts.ifAbsent) return this.insertIfAbsent(row);
    const { list, terms } = toStored(row);
    await Promise.all([replaceUnlessNewer(this.lists, list), replaceUnlessNewer(this.rows, terms)]);
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
        const stored = batch.map((b) => toStored(b.row));
        await Promise.all([
          insertManyKeepingStored(
            this.lists,
            stored.map((s) => s.list),
            refused,
          ),
          insertManyKeepingStored(
            this.rows,
            stored.map((s) => s.terms),
            refused,
          ),
        ]);
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
    await Promise.all([this.lists.deleteOne({ _id: caseNumber }), this.rows.deleteOne({ _id: caseNumber })]);
  }

  /** The case's row. */
  async get(caseNumber: string): Promise<CaseIndexRow | null> {
    const doc = await this.rows.findOne({ _id: caseNumber });
    return doc && (fromStored(doc) as CaseIndexRow);
  }

  /**
   * Every row's case number and version (the reindex compares them with the cases'): -1 when its
   * list row is missing or of another version, or its row was written before `view`, so it is rewritten.
   */
  async *versions(): AsyncGenerator<{ caseNumber: string; version: number }> {
    const lists = new Map<string, number>();
    for await (const r of this.lists.find({}, { projection: { version: 1 }, batchSize: 2000 })) lists.set(r._id, r.version);
    for await (const r of this.rows.find({}, { projection: { version: 1, view: 1 }, batchSize: 2000 })) {
      const other = lists.get(r._id);
      lists.delete(r._id);
      yield { caseNumber: r._id, version: other === r.version && typeof r.view === 'string' ? r.version : -1 };
    }
    for (const caseNumber of lists.keys()) yield { caseNumber, version: -1 }; // a list row without its row
  }

  /** The exact number of cases in the list: every matching row is decoded (asked for with count=true). */
  async count(filter: CaseIndexFilter): Promise<number> {
    const { equalities, terms } = compile(filter);
    const query: Record<string, unknown> = { ...equalities };
    for (const [field, words] of Object.entries(termsByField(terms)))
      if (words.length > 0) query[field] = { $eq: equalities[field], $all: words }; // $eq pushed down, $all checked in Go
    return (terms.length > 0 ? this.rows : this.lists).countDocuments(query);
  }

  /** The rows a query finds: in `case_index` when the search checks words, else in `case_list`. */
  private async read(
    search: boolean,
    query: Record<string, unknown>,
    options: { projection: Record<string, 0>; limit?: number; batchSize?: number },
  ): Promise<Row[]> {
    const docs = await (search ? this.rows : this.lists).find(query, options).toArray();
    return docs.map(fromStored);
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
      const row = await this.lists.findOne(equalities, { projection: PROJECTION });
      const items = row && !page.cursor && !page.offset ? [summaryOf(fromStored(row))] : [];
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
    const rows = await this.read(terms.length > 0, equalities, { projection, batchSize: 1000 });
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
    const now = Date.now();
    let at = bound ? bound.key : newestFirst ? now + 3_600_000 : 0;
    // The smallest buckets first (a list's first read of the day): a bucket that holds more than a
    // probe reads still costs all its rows (FerretDB's limit stops decoding, not PostgreSQL), so
    // buckets only grow after sparse ones.
    const first = newestFirst ? 0 : this.startLevels.get(signature);
    let level = Math.min(TOP, Math.max(0, cursor?.level ?? first ?? 0));
    let startLevel: number | undefined;
    // Buckets found too full: no level at or above theirs is read again until the walk leaves them.
    const ceilings: Array<{ level: number; start: number; end: number }> = [];
    // The buckets read, and how many rows each gave (a bigger bucket around them gives them again).
    const read: Array<{ start: number; end: number; rows: number }> = [];
    const found: Row[] = [];
    let last = { level, rows: 0 };
    let ended = false;
    const probeOf = (query: Record<string, unknown>) =>
      this.read(terms.length > 0, query, { projection, limit: PROBE_ROWS + 1, batchSize: PROBE_ROWS + 1 });
    // Newest first, the hour ahead (nothing but a clock ahead puts a case there) and the bucket of
    // now are read at once, at the smallest level: one round trip instead of eight.
    const ahead = new Map<string, Promise<Row[]>>();
    if (newestFirst && !cursor)
      for (let t = at; t >= now - CASE_INDEX_BUCKET_SIZE_MS; t -= CASE_INDEX_BUCKET_SIZE_MS) {
        const bucket = timeBucket(CASE_INDEX_BUCKET_LEVELS[0], t);
        const rows = probeOf({ ...equalities, [field]: bucket });
        rows.catch(() => undefined); // awaited below, unless the page is full before
        ahead.set(bucket, rows);
      }
    for (let probe = 0; found.length < need && probe < MAX_PROBES; probe++) {
      if (newestFirst ? at < 0 : at > Date.now() + 30 * YEAR) {
        ended = true;
        break;
      }
      const bits = CASE_INDEX_BUCKET_LEVELS[level]!;
      const range = timeBucketRange(bits, at);
      const bucket = timeBucket(bits, at);
      const query = { ...equalities, [field]: bucket };
      let rows = await (ahead.get(bucket) ?? probeOf(query));
      if (rows.length > PROBE_ROWS) {
        if (level > 0) {
          ceilings.push({ level, ...range });
          level--;
          continue;
        }
        rows = await this.read(terms.length > 0, query, { projection }); // over PROBE_ROWS cases in 8.5 minutes: all of them
      }
      startLevel ??= level;
      last = { level, rows: rows.length };
      const before = bound;
      const fresh = rows.filter((r) => !before || after(r, before));
      found.push(...fresh.filter(hasAll).sort(order));
      read.push({ ...range, rows: rows.length });
      // This bucket is read whole: the walk goes on past its edge.
      bound = newestFirst ? { key: range.start, id: '' } : { key: range.end - 1, id: '\uffff' };
      at = newestFirst ? range.start - 1 : range.end;
      while (ceilings.length && (at < ceilings[ceilings.length - 1]!.start || at >= ceilings[ceilings.length - 1]!.end)) ceilings.pop();
      const ceiling = ceilings[ceilings.length - 1]?.level ?? TOP + 1;
      if (level + 1 < ceiling && level < TOP) {
        // One level up (16 times wider) when the bigger bucket read next is expected to hold few
        // rows — at most four times those the page still needs, and a probe's: those read already
        // inside it (it gives them again) and, at this bucket's rate of new rows, its part still
        // ahead. Newest first, the part of a bucket after now tells nothing of the rate.
        const span = newestFirst
          ? Math.min(range.end, before ? before.key + 1 : range.end, now) - range.start
          : range.end - Math.max(range.start, before ? before.key : range.start);
        const parent = timeBucketRange(CASE_INDEX_BUCKET_LEVELS[level + 1]!, at);
        const rest = newestFirst ? Math.min(at + 1, now) - parent.start : parent.end - at;
        const again = read.reduce((n, r) => (r.start >= parent.start && r.end <= parent.end ? n + r.rows : n), 0);
        const few = Math.min(PROBE_ROWS, Math.max(48, 4 * (need - found.length)));
        // (One row more than found: a bucket read over a short span is weak evidence of a low rate.)
        if (span > 0 && again + ((fresh.length + 1) / span) * Math.max(0, rest) <= few) level++;
      }
    }
    if (!cursor && !newestFirst && startLevel !== undefined) {
      if (this.startLevels.size > 1000) this.startLevels.clear();
      this.startLevels.set(signature, startLevel);
    }
    // The next page starts one level below a bucket that gave many more rows than a page.
    if (last.rows > 2 * need && last.level > 0) level = last.level - 1;
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

/** Replaces the stored row unless it is of a newer version; inserts it when there is none. */
async function replaceUnlessNewer(rows: Collection<StoredRow>, doc: StoredRow): Promise<void> {
  const replaced = await rows.replaceOne({ _id: doc._id, version: { $lte: doc.version } }, doc);
  if (replaced.matchedCount > 0) return;
  try {
    await rows.insertOne(doc);
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err; // a row of a newer version is there: keep it
  }
}

/** One unordered insertMany; a duplicate `_id` keeps the stored row, any other refusal is noted in `refused` by position. */
async function insertManyKeepingStored(rows: Collection<StoredRow>, docs: StoredRow[], refused: Map<number, Error>): Promise<void> {
  try {
    await rows.insertMany(docs, { ordered: false });
  } catch (err) {
    type WriteError = { index: number; code?: number; errmsg?: string };
    const raw = (err as { writeErrors?: WriteError | WriteError[] }).writeErrors;
    const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (writeErrors.length === 0) for (let i = 0; i < docs.length; i++) refused.set(i, err as Error);
    for (const w of writeErrors)
      if (w.code !== 11000) refused.set(w.index, new Error(w.errmsg ?? `case index row insert failed (code ${w.code})`));
  }
}
