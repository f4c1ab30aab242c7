import { Types } from 'mongoose';
import { CASE_NUMBER_PATTERN, OPEN_STATUSES, type CaseStatus, type Channel } from '@cg/contracts';
import { searchTermsOf } from '@cg/core';

/*
 * How the case lists query, shaped for FerretDB v1 on PostgreSQL as much as for MongoDB.
 * FerretDB pushes down to PostgreSQL only top-level equalities (`_jsonb->'k' @> '"v"'`); every
 * other condition, the sort and the limit run in Go over the rows those equalities return. So
 * each list filter is a top-level equality (department, status, channel, escalated, the derived
 * `openOwnerKey`, one search term), pages are keyset ranges applied to that narrowed set rather
 * than `skip` over it, and the total is counted only on request. On MongoDB the same equalities
 * plus the sort key hit the compound indexes in schema.ts.
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

/** Where the next page starts: the sort key and `_id` of the last case shown (keyset pagination). */
export interface CaseListCursor {
  sort: CaseListSort;
  /** receivedAt (sort=received) or deadlines.target.dueAt (sort=deadline) of the last case. */
  key: Date;
  id: Types.ObjectId;
}

/** The sort of each list, with `_id` as the tie-break so the order is total. */
export function sortOf(sort: CaseListSort): Record<string, 1 | -1> {
  return sort === 'deadline' ? { 'deadlines.target.dueAt': 1, _id: 1 } : { receivedAt: -1, _id: -1 };
}

/** The cursor a client passes back as `cursor`: opaque (base64url JSON), never parsed by clients. */
export function encodeCaseListCursor(
  sort: CaseListSort,
  last: { _id: unknown; receivedAt: Date; deadlines?: { target?: { dueAt: Date } } },
): string {
  const key = sort === 'deadline' ? last.deadlines?.target?.dueAt : last.receivedAt;
  return Buffer.from(JSON.stringify({ s: sort, k: new Date(key ?? 0).toISOString(), i: String(last._id) })).toString('base64url');
}

/** The cursor, or null when it is not one we issued (the route answers 400 naming `cursor`). */
export function decodeCaseListCursor(text: string): CaseListCursor | null {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { s?: unknown; k?: unknown; i?: unknown };
    if ((raw.s !== 'received' && raw.s !== 'deadline') || typeof raw.k !== 'string' || typeof raw.i !== 'string') return null;
    const key = new Date(raw.k);
    if (Number.isNaN(key.getTime()) || !/^[0-9a-f]{24}$/.test(raw.i)) return null;
    return { sort: raw.s, key, id: new Types.ObjectId(raw.i) };
  } catch {
    return null;
  }
}

/** The cases after the cursor, in the cursor's sort order. */
export function afterCursor(cursor: CaseListCursor): Record<string, unknown> {
  if (cursor.sort === 'deadline') {
    const path = 'deadlines.target.dueAt';
    return { $or: [{ [path]: { $gt: cursor.key } }, { [path]: cursor.key, _id: { $gt: cursor.id } }] };
  }
  return { $or: [{ receivedAt: { $lt: cursor.key } }, { receivedAt: cursor.key, _id: { $lt: cursor.id } }] };
}

export function toCaseListQuery(filter: CaseListFilter, cursor?: CaseListCursor): Record<string, unknown> {
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
  if (cursor) and.push(afterCursor(cursor));
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
