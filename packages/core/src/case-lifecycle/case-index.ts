import type { CaseDeadlines } from '../deadlines/case-deadlines';
import { caseListKeys, withCaseDefaults, type CaseData, type StaffRef, type StoredCase } from './case-data';

/**
 * One small document per case in the `case_index` collection (issue 13): what the case lists
 * show (a CaseSummaryView) and what they filter and sort on, without the journal, the texts and
 * the attachments that make a case ≈ 12 KB. The lists, triage, escalations, by channel and the
 * search read only these; a case is read whole only when it is opened.
 *
 * Written from the case after every committed CaseLifecycle write (under the case's lease), by
 * the intake insert, and by `cli cases:reindex` (which repairs missing or stale rows). `version`
 * is the case's: a row is never replaced by one of an older version.
 *
 * Every filter is a top-level equality — the only condition FerretDB v1 pushes down to
 * PostgreSQL — and the sort keys are bucketed (`receivedBuckets`, `dueBuckets`) so that a page
 * is read as a few equality lookups of at most a few hundred rows each (packages/db
 * case-index.ts) instead of every matching row decoded and sorted in FerretDB's Go code.
 * packages/db stores each row twice: slim in `case_list` (what the lists read: the keys, and the
 * rest as one JSON string) and whole with the search terms in `case_index` (the search).
 */
export interface CaseIndexRow {
  /** The case number: a lookup by number is an `_id` lookup. */
  _id: string;
  version: number;
  caseNumber: string;
  status: CaseData['status'];
  channel: CaseData['channel'];
  department: string;
  priority: CaseData['priority'];
  customer: CaseData['customer'];
  subject?: string;
  receivedAt: Date;
  deadlines?: Pick<CaseDeadlines, 'target' | 'cap'>;
  escalated: boolean;
  owner: StaffRef | null;
  collaborators: string[];
  /** Confirmed with the customer (step 2): `verified=false` is customer support's "to verify" list. */
  verified: boolean;
  /** `owner:<id>` / `none` while open, `done` after (caseListKeys): my cases, the unclaimed queue. */
  openOwnerKey: string;
  /** `owner:<id>` or `none` whatever the status: my answered / closed cases. */
  ownerKey: string;
  /** The customer's email, trimmed and lowercased: their other cases (possible duplicates). */
  customerEmail?: string;
  /** The department and those it collaborates with: department staff see a case listed here. */
  visibleTo: string[];
  /**
   * The folded search terms (caseListKeys), split in CASE_INDEX_TERM_FIELDS by termField: a
   * search pushes one word of each field it has words in down as an equality, so two words
   * usually narrow it in the database (one field can take only one equality).
   */
  terms0: string[];
  terms1: string[];
  terms2: string[];
  terms3: string[];
  /** deadlines.target.dueAt, or the epoch when the case has none (sorted first, as before). */
  dueAt: Date;
  /**
   * What "newest first" sorts by: receivedAt, or the case's storing when a receipt is dated later
   * than that (a sender's clock ahead), so no case sorts into the future where lists do not read.
   */
  sortReceivedAt: Date;
  /** sortReceivedAt's buckets, one per level (timeBuckets). */
  receivedBuckets: string[];
  /** dueAt's buckets, one per level (timeBuckets). */
  dueBuckets: string[];
}

/**
 * Bucket sizes, as powers of two seconds, each 16 times the one before: 8.5 minutes, 2.3 hours,
 * 36 hours, 24 days, 388 days, 17 years. Each bucket of one level holds exactly 16 of the level
 * below, so a reader can switch levels at any bucket edge.
 */
export const CASE_INDEX_BUCKET_LEVELS = [9, 13, 17, 21, 25, 29] as const;

/** The bucket of `at` at a level: `<level>:<number>`, the number counting from the epoch. */
export function timeBucket(level: number, atMs: number): string {
  return `${level}:${Math.floor(atMs / 1000 / 2 ** level)}`;
}

/** Where a level's bucket that holds `atMs` starts and ends ([start, end) in ms). */
export function timeBucketRange(level: number, atMs: number): { start: number; end: number } {
  const size = 2 ** level * 1000;
  const start = Math.floor(atMs / size) * size;
  return { start, end: start + size };
}

/** The buckets of one instant at every level. */
export function timeBuckets(at: Date): string[] {
  return CASE_INDEX_BUCKET_LEVELS.map((level) => timeBucket(level, at.getTime()));
}

/** The fields the search terms are split across. */
export const CASE_INDEX_TERM_FIELDS = ['terms0', 'terms1', 'terms2', 'terms3'] as const;
export type CaseIndexTermField = (typeof CASE_INDEX_TERM_FIELDS)[number];

/** Which field holds a term (FNV-1a of the word: stable, so rows and searches agree). */
export function termField(term: string): CaseIndexTermField {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193) >>> 0;
  return CASE_INDEX_TERM_FIELDS[h % CASE_INDEX_TERM_FIELDS.length]!;
}

/** Terms grouped by their field. */
export function termsByField(terms: readonly string[]): Record<CaseIndexTermField, string[]> {
  const out: Record<CaseIndexTermField, string[]> = { terms0: [], terms1: [], terms2: [], terms3: [] };
  for (const t of terms) out[termField(t)].push(t);
  return out;
}

/** The index row of a case as it is stored now. */
export function toCaseIndexRow(stored: CaseData | StoredCase): CaseIndexRow {
  const c = withCaseDefaults(stored);
  const keys = caseListKeys(c);
  const receivedAt = new Date(c.receivedAt);
  const storedAt = 'createdAt' in c && c.createdAt ? new Date(c.createdAt).getTime() : receivedAt.getTime();
  const sortReceivedAt = new Date(Math.min(receivedAt.getTime(), storedAt));
  const dueAt = new Date(c.deadlines?.target?.dueAt ?? 0);
  return {
    _id: c.caseNumber,
    version: c.version,
    caseNumber: c.caseNumber,
    status: c.status,
    channel: c.channel,
    department: c.department,
    priority: c.priority,
    customer: c.customer,
    ...(c.subject !== undefined ? { subject: c.subject } : {}),
    receivedAt,
    ...(c.deadlines ? { deadlines: { target: c.deadlines.target, cap: c.deadlines.cap } } : {}),
    escalated: c.escalated,
    owner: c.owner,
    collaborators: c.collaborators,
    verified: c.verification !== undefined && c.verification !== null,
    openOwnerKey: keys.openOwnerKey,
    ownerKey: c.owner ? `owner:${c.owner.id}` : 'none',
    ...(c.customer?.email ? { customerEmail: c.customer.email.trim().toLowerCase() } : {}),
    visibleTo: [...new Set([c.department, ...c.collaborators])],
    ...termsByField(keys.searchTerms),
    dueAt,
    sortReceivedAt,
    receivedBuckets: timeBuckets(sortReceivedAt),
    dueBuckets: timeBuckets(dueAt),
  };
}
