import { CASE_STATUSES, CHANNELS } from '@cg/contracts';
import type { StaffRole } from '@cg/contracts';
import type { CaseListQuery } from '../../api/types';

/** A list's query: the case list filters without paging. */
export type CaseFilters = Omit<CaseListQuery, 'page' | 'pageSize'>;

/**
 * The work lists: each a named preset of the case list's query (`/console/?list=<id>`), so a
 * list can be bookmarked and every role starts on its own work.
 */
export const WORK_LISTS = {
  triage: { label: 'Triage', hint: 'the classifier was not sure: choose the department', query: { department: 'triage' } },
  'to-verify': { label: 'To verify', hint: 'not yet confirmed with the customer', query: { verified: false, sort: 'deadline' } },
  'to-answer': {
    label: 'To answer',
    hint: 'the department reported its result',
    query: { status: 'resolution_reported', sort: 'deadline' },
  },
  'to-deliver': { label: 'To deliver', hint: 'answers ready to reach the customer', query: { status: 'answer_ready', sort: 'deadline' } },
  reopened: { label: 'Reopened', hint: 'the customer came back', query: { status: 'reopened', sort: 'deadline' } },
  'my-queue': { label: 'My queue', hint: 'cases I work on, most urgent first', query: { owner: 'me', sort: 'deadline' } },
  'department-queue': {
    label: 'Department queue',
    hint: 'waiting for someone to claim them, most urgent first',
    query: { owner: 'none', status: 'routed', sort: 'deadline' },
  },
  approvals: {
    label: 'Approvals',
    hint: 'written answers awaiting sign-off',
    query: { status: 'answer_pending_approval', sort: 'deadline' },
  },
  escalations: {
    label: 'Escalations',
    hint: 'past a deadline or beyond someone’s authority',
    query: { escalated: true, sort: 'deadline' },
  },
  // Not case lists: the delivery tasks step 4 leaves for a person (GET /api/v1/callbacks, /api/v1/postal/outgoing).
  callbacks: {
    label: 'Callbacks',
    hint: 'call the customer back with the answer, then record how the call went',
    query: {},
    tasks: 'callbacks',
  },
  'letters-to-post': {
    label: 'Letters to post',
    hint: 'signed answer letters to print and post, then record the mailing date',
    query: {},
    tasks: 'letters',
  },
  // Answer deliveries and emails that failed for good (GET /api/v1/deliveries/failed): deliver again, or reach the customer.
  failures: {
    label: 'Failed deliveries',
    hint: 'answers and emails that could not be delivered: deliver again on another channel, or reach the customer',
    query: {},
    tasks: 'failures',
  },
  all: { label: 'All cases', hint: 'newest first', query: {} },
  // Hotline operators and postal clerks (no cases:list): the server lists what they recorded; a case number finds any case.
  recorded: { label: 'Cases I recorded', hint: 'newest first; search a case number to find another', query: {} },
} as const satisfies Record<string, { label: string; hint: string; query: CaseFilters; tasks?: DeliveryTaskKind }>;

/** What a work list of delivery tasks shows (DeliveryTasks). */
export type DeliveryTaskKind = 'callbacks' | 'letters' | 'failures';

export type WorkListId = keyof typeof WORK_LISTS;

/** The delivery tasks a work list shows instead of cases, if any. */
export function tasksOf(id: WorkListId | undefined): DeliveryTaskKind | undefined {
  const list = id ? WORK_LISTS[id] : undefined;
  return list && 'tasks' in list ? list.tasks : undefined;
}

/** Each role's lists, its home list first. */
export const ROLE_WORK_LISTS: Record<StaffRole, readonly WorkListId[]> = {
  hotline_operator: ['callbacks', 'recorded'],
  postal_clerk: ['letters-to-post', 'recorded'],
  cs_agent: ['triage', 'to-verify', 'to-answer', 'to-deliver', 'failures', 'reopened', 'all'],
  department_staff: ['my-queue', 'department-queue', 'all'],
  supervisor: ['approvals', 'escalations', 'triage', 'to-answer', 'callbacks', 'letters-to-post', 'failures', 'all'],
  admin: ['triage', 'approvals', 'escalations', 'all'],
};

export const isWorkList = (id: string | null): id is WorkListId => id !== null && Object.hasOwn(WORK_LISTS, id);

const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
const bool = (v: string | null): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);

/** A filtered list from the query string (unknown values are dropped: the URL may be hand-typed). */
export function filtersFromSearch(params: URLSearchParams): CaseFilters | undefined {
  const f: CaseFilters = {
    ...(params.get('department') ? { department: params.get('department')! } : {}),
    ...(oneOf(CASE_STATUSES, params.get('status')) ? { status: params.get('status')! } : {}),
    ...(oneOf(CHANNELS, params.get('channel')) ? { channel: params.get('channel')! } : {}),
    ...(params.get('q') ? { q: params.get('q')! } : {}),
    ...(bool(params.get('escalated')) !== undefined ? { escalated: bool(params.get('escalated'))! } : {}),
    ...(bool(params.get('verified')) !== undefined ? { verified: bool(params.get('verified'))! } : {}),
    ...(oneOf(['me', 'none'] as const, params.get('owner')) ? { owner: params.get('owner') as 'me' | 'none' } : {}),
    ...(oneOf(['received', 'deadline'] as const, params.get('sort')) ? { sort: params.get('sort') as 'received' | 'deadline' } : {}),
  };
  return Object.keys(f).length ? f : undefined;
}

export function filtersToSearch(f: CaseFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(f)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params;
}
