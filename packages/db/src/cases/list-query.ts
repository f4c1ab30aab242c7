import { CASE_NUMBER_PATTERN, OPEN_STATUSES, type CaseStatus, type Channel } from '@cg/contracts';
import { searchTermsOf } from '@cg/core';

/*
 * The case lists' filter, sort and cursor. The lists read the `case_list` collection
 * (case-index.ts: a walk over time buckets, each probe a set of top-level equalities, the only
 * condition FerretDB v1 pushes down to PostgreSQL); `toCaseListQuery` is the same filter on
 * `cases`, for counts by intake key or customer. The total is counted only on request.
 */

export type CaseListSort = 'received' | 'deadline';

export interface CaseListFilter {
  department?: string;
  /** Department staff's scope: cases of this department or that it collaborates on. */
  visibleToDepartment?: string;
  status?: CaseStatus;
  channel?: Channel;
  /** A case number (exact), or words matched whole against the folded search terms (all must match). */
  q?: string;
  escalated?: boolean;
  idempotencyKey?: string;
  customerEmail?: string;
  /**
   * A staff id: the open cases they own; null: open cases nobody owns (waiting to be claimed).
   * With a status that is not open (answered, closed): cases in it owned by them / by nobody.
   */
  ownerId?: string | null;
  /** Whether customer support has confirmed the complaint with the customer (step 2). */
  verified?: boolean;
}

/** Where the next page starts: the sort key and case number of the last case shown (keyset pagination). */
export interface CaseListCursor {
  sort: CaseListSort;
  /** receivedAt (sort=received; its sortReceivedAt) or deadlines.target.dueAt (sort=deadline; the epoch when none) of the last case. */
  key: Date;
  /** Its case number (the tie-break); '' or '\uffff' at a bucket's edge (a page cut short: case-index.ts). */
  id: string;
  /** The bucket level the walk was at (case-index.ts): where the next page starts reading. */
  level?: number;
}

/** The cursor a client passes back as `cursor`: opaque (base64url JSON), never parsed by clients. */
export function encodeCaseListCursor(cursor: CaseListCursor): string {
  const { sort, key, id, level } = cursor;
  const raw = { s: sort, k: key.toISOString(), i: id, ...(level !== undefined ? { l: level } : {}) };
  return Buffer.from(JSON.stringify(raw)).toString('base64url');
}

/** The cursor, or null when it is not one we issued (the route answers 400 naming `cursor`). */
export function decodeCaseListCursor(text: string): CaseListCursor | null {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown; i?: unknown; l?: unknown };
    if ((raw.s !== 'received' && raw.s !== 'deadline') || typeof raw.k !== 'string' || typeof raw.i !== 'string') return null;
    const key = new Date(raw.k);
    const edge = raw.i === '' || raw.i === '\uffff';
    if (Number.isNaN(key.getTime()) || !(edge || CASE_NUMBER_PATTERN.test(raw.i))) return null;
    const level = typeof raw.l === 'number' && Number.isInteger(raw.l) && raw.l >= 0 && raw.l < 16 ? raw.l : undefined;
    return { sort: raw.s, key, id: raw.i, ...(level !== undefined ? { level } : {}) };
  } catch {
    return null;
  }
}

/** The filter as a query on `cases` (count of intake tests and jobs); the lists read `case_list` (case-index.ts). */
export function toCaseListQuery(filter: CaseListFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const and: Array<Record<string, unknown>> = [];
  if (filter.department) query.department = filter.department;
  // A department filter equal to the scope already keeps the list inside it (and stays a pushed-down equality).
  if (filter.visibleToDepartment && filter.visibleToDepartment !== filter.department)
    and.push({ $or: [{ department: filter.visibleToDepartment }, { collaborators: filter.visibleToDepartment }] });
  if (filter.status) query.status = filter.status;
  if (filter.channel) query.channel = filter.channel;
  if (filter.escalated !== undefined) query.escalated = filter.escalated;
  if (filter.idempotencyKey) query.idempotencyKey = filter.idempotencyKey;
  if (filter.customerEmail) query['customer.email'] = filter.customerEmail;
  if (filter.ownerId !== undefined) {
    if (filter.status && !OPEN_STATUSES.includes(filter.status)) query['owner.id'] = filter.ownerId;
    else query.openOwnerKey = filter.ownerId === null ? 'none' : `owner:${filter.ownerId}`;
  }
  if (filter.verified !== undefined) query.verification = { $exists: filter.verified };
  if (filter.q) Object.assign(query, searchQuery(filter.q));
  if (and.length === 1) Object.assign(query, and[0]);
  else if (and.length > 1) query.$and = and;
  return query;
}

/**
 * `q`: a case number is looked up exactly; otherwise every word must be one of the case's
 * `searchTerms` (folded, so "tran thi bich" finds "Trần Thị Bích"). The longest word goes in as
 * `$eq` — the one condition FerretDB pushes down (on an array, jsonb `@>` matches an element) —
 * and `$all` checks the rest on the rows it returns; MongoDB uses the multikey index.
 */
function searchQuery(q: string): Record<string, unknown> {
  const upper = q.trim().toUpperCase();
  if (CASE_NUMBER_PATTERN.test(upper)) return { caseNumber: upper };
  const terms = searchTermsOf(q);
  if (terms.length === 0) return { caseNumber: upper }; // no words (punctuation only): nothing but an exact number
  const longest = terms.reduce((a, b) => (b.length > a.length ? b : a));
  return { searchTerms: terms.length === 1 ? longest : { $eq: longest, $all: terms } };
}
