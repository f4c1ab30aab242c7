import type { HotlineCallAccepted, HotlineCallRequest } from '@cg/contracts';
import type { CaseAction, CaseStatus } from '@cg/contracts';
import type { CaseReportView, ReportTable, RootCauseView } from '@cg/contracts';
import type {
  AnswerTemplate,
  CallbackOutcomeBody,
  DeliveryTask,
  FailedDeliveries,
  CaseActionBodies,
  CaseActionPath,
  CaseListQuery,
  CasePage,
  CaseView,
  DeadlineAnswer,
  FieldProblem,
  LoginResponse,
} from './types';
import { createPostalApi } from './postal';
import { createCaseExtrasApi } from './case-extras';
import { createAdminApi } from './admin';
import { ActionKeys, isAction } from './action-keys';

/** A refused request: the problem's title, detail and every bad field, ready to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fields: FieldProblem[],
    /** A refused transition (409): the case's state and what may be done in it. */
    readonly refusal?: { state: CaseStatus; allowedActions: CaseAction[] },
  ) {
    const fieldText = fields.map((e) => `${e.field}: ${e.message}`).join('; ');
    super(`${title}${fieldText ? ` — ${fieldText}` : detail ? ` — ${detail}` : ''}`);
    this.name = 'ApiError';
  }
}

interface ProblemBody {
  title?: string;
  detail?: string;
  errors?: FieldProblem[];
  state?: CaseStatus;
  allowedActions?: CaseAction[];
}

export interface ApiClientOptions {
  /** The signed-in staff member's bearer token, if any. */
  token: () => string | undefined;
  /** The server said the token is no longer good (expired, revoked). */
  onUnauthorized: () => void;
  /** Where the API is ('' in the console: the page's own origin). */
  baseUrl?: string;
}

/** The staff API, typed. One place knows paths, methods and bodies. */
export function createApiClient(opts: ApiClientOptions) {
  const base = opts.baseUrl ?? '';
  // Every action carries an Idempotency-Key, the same on its retries (api/action-keys.ts).
  const actionKeys = new ActionKeys();

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = opts.token();
    const text = body !== undefined ? JSON.stringify(body) : undefined;
    const key = isAction(method) ? actionKeys.keyFor(method, path, text ?? '') : undefined;
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(text !== undefined ? { body: text } : {}),
    });
    if (key) actionKeys.answered(method, path, text ?? '', res.status);
    const json = (await res.json().catch(() => ({}))) as unknown;
    if (res.status === 401 && token) opts.onUnauthorized();
    if (!res.ok) {
      const p = json as ProblemBody;
      const refusal = p.state && Array.isArray(p.allowedActions) ? { state: p.state, allowedActions: p.allowedActions } : undefined;
      throw new ApiError(res.status, p.title ?? res.statusText, p.detail, Array.isArray(p.errors) ? p.errors : [], refusal);
    }
    return json as T;
  }

  async function download(path: string): Promise<Blob> {
    const token = opts.token();
    const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (res.status === 401 && token) opts.onUnauthorized();
    if (!res.ok) throw new ApiError(res.status, res.statusText, undefined, []);
    return res.blob();
  }

  const casePath = (caseNumber: string) => `/api/v1/cases/${encodeURIComponent(caseNumber)}`;

  /** A refused response (not JSON-sent: multipart uploads) as an ApiError. */
  async function problemOf(res: Response): Promise<ApiError> {
    const p = (await res.json().catch(() => ({}))) as ProblemBody;
    const refusal = p.state && Array.isArray(p.allowedActions) ? { state: p.state, allowedActions: p.allowedActions } : undefined;
    return new ApiError(res.status, p.title ?? res.statusText, p.detail, Array.isArray(p.errors) ? p.errors : [], refusal);
  }

  return {
    login: (email: string, password: string) => request<LoginResponse>('POST', '/api/v1/auth/login', { email, password }),
    /** A cookie session from the bearer token, for server-rendered pages (Bull Board at /admin/queues). */
    openBrowserSession: () => request<{ expiresAt: string }>('POST', '/api/v1/auth/session', {}),

    listCases(query: CaseListQuery): Promise<CasePage> {
      const params = new URLSearchParams({ pageSize: String(query.pageSize) });
      if (query.cursor) params.set('cursor', query.cursor);
      for (const key of ['department', 'status', 'channel', 'q'] as const) {
        const value = query[key];
        if (value) params.set(key, value);
      }
      if (query.escalated) params.set('escalated', 'true');
      if (query.verified !== undefined) params.set('verified', String(query.verified));
      if (query.owner) params.set('owner', query.owner);
      if (query.sort) params.set('sort', query.sort);
      return request('GET', `/api/v1/cases?${params.toString()}`);
    },
    getCase: (caseNumber: string) => request<CaseView>('GET', casePath(caseNumber)),
    reclassify: (caseNumber: string, department: string) =>
      request<unknown>('PATCH', `${casePath(caseNumber)}/classification`, { department }),
    extend: (caseNumber: string, extraWorkingDays: number, reason: string) =>
      request<unknown>('POST', `${casePath(caseNumber)}/extensions`, { extraWorkingDays, reason }),

    /** One step of the procedure (verify, claim, …): the updated case, or an ApiError (400 fields, 403, 409 state). */
    caseAction: <P extends CaseActionPath>(caseNumber: string, path: P, body: CaseActionBodies[P]) =>
      request<CaseView>('POST', `${casePath(caseNumber)}/${path}`, body),
    /** The handling journal as CSV (a download needs the bearer token, so it is fetched, not linked). */
    journalCsv: (caseNumber: string) => download(`${casePath(caseNumber)}/journal.csv`),

    /** Step 4: the answer drafted from the template (case number, dates, findings, remedy, how to go further). */
    answerTemplate: (caseNumber: string) => request<AnswerTemplate>('GET', `${casePath(caseNumber)}/answer/template`),
    /** The signed answer letter (PDF). */
    answerLetter: (caseNumber: string) => download(`${casePath(caseNumber)}/answer/letter.pdf`),
    /** Hotline answers an operator gives by calling the customer back. */
    callbacks: () => request<{ items: DeliveryTask[] }>('GET', '/api/v1/callbacks'),
    callbackOutcome: (caseNumber: string, body: CallbackOutcomeBody) =>
      request<unknown>('POST', `${casePath(caseNumber)}/callback-outcome`, body),
    /** Answer deliveries and emails that failed for good. */
    failedDeliveries: () => request<FailedDeliveries>('GET', '/api/v1/deliveries/failed'),
    /** Signed letters to print and post. */
    outgoingLetters: () => request<{ items: DeliveryTask[] }>('GET', '/api/v1/postal/outgoing'),
    mailed: (caseNumber: string, mailedOn?: string) =>
      request<unknown>('POST', `${casePath(caseNumber)}/mailed`, mailedOn ? { mailedOn } : {}),

    logCall: (call: HotlineCallRequest) => request<HotlineCallAccepted>('POST', '/api/v1/hotline/calls', call),

    deadline: (receivedAt: string) =>
      request<DeadlineAnswer>('GET', `/api/v1/calendar/deadline?receivedAt=${encodeURIComponent(receivedAt)}`),

    /** The reports of the cases received from `from` to `to` (Vietnam days), and each table as CSV (supervisors, admins). */
    report: (from: string, to: string) => request<CaseReportView>('GET', `/api/v1/reports?${new URLSearchParams({ from, to }).toString()}`),
    reportCsv: (table: ReportTable, from: string, to: string) =>
      download(`/api/v1/reports/${table}.csv?${new URLSearchParams({ from, to }).toString()}`),

    /** Postal letters: upload, the letters to verify, confirm or reject (api/postal.ts). */
    postal: createPostalApi({ request, download, token: opts.token, onUnauthorized: opts.onUnauthorized }),
    /** Staff accounts, department settings, root causes, holiday schedules (api/admin.ts). */
    admin: createAdminApi({ request }),
    /** The root-cause categories (active and retired) for everyone who reads cases: the close form offers the active ones. */
    rootCauses: () => request<{ items: RootCauseView[] }>('GET', '/api/v1/root-causes'),
    /** Merge duplicates, notes with files, the availability switch (api/case-extras.ts). */
    caseExtras: createCaseExtrasApi({
      request,
      download,
      token: opts.token,
      onUnauthorized: opts.onUnauthorized,
      problem: problemOf,
      baseUrl: base,
      actionKeys,
    }),

    /** A chat attachment, as a blob to save (staff only). */
    chatAttachment: (id: string) => download(`/api/v1/livechat/attachments/${encodeURIComponent(id)}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
