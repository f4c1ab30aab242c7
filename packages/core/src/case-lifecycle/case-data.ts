import type {
  AnswerDeliveryStatus,
  CaseStatus,
  Channel,
  IntakeEnvelope,
  Priority,
  SenderAlertReason,
  StaffRole,
  VerificationMethod,
} from '@cg/contracts';
import { OPEN_STATUSES } from '@cg/contracts';
import type { CaseDeadlines } from '../deadlines/case-deadlines';
import { CASE_REPORT_FACT_FIELDS, type CaseReportFacts } from '../reports/report-facts';
import { searchTermsOf } from '../text/search-text';

/**
 * The shape of a case, written once. The MongoDB schema (packages/db/src/cases/schema.ts) stores
 * exactly these fields, the repository returns them, and the API's views are derived from them
 * (`toCaseView`, `toCaseSummary`). Only the CaseLifecycle changes a case after its insert.
 */

/** Who did something, as the journal records it. */
export interface JournalActor {
  kind: 'system' | 'staff' | 'customer';
  id?: string;
  name?: string;
  role?: string;
}

/** One line of the handling journal (nhật ký xử lý). Append-only; built only by the state machine. */
export interface JournalEntry {
  /** Unique within the case (entries written by the lifecycle; the receipt's first entries have none). */
  id?: string;
  at: Date;
  type: string;
  actor: JournalActor;
  message: string;
  data?: Record<string, unknown>;
}

/** Who fires an action on the lifecycle. */
export type CaseActor =
  | { kind: 'staff'; id: string; name: string; role: StaffRole; department?: string; email?: string }
  | { kind: 'system' }
  | { kind: 'customer'; name?: string };

export interface StaffRef {
  id: string;
  name: string;
  role?: string;
}

export interface CaseClassificationRecord {
  /** A department code, or `triage` when the classifier abstained. */
  department: string;
  bestGuess: string;
  confidence: number;
  runnerUp?: { department: string; confidence: number };
  abstained: boolean;
  method: 'rules' | 'model' | 'manual';
  evidence: string[];
  classifiedAt: Date;
}

/** A deadline check that found the case open, or a person's escalation to a supervisor. */
export interface CaseEscalation {
  /** kind@dueDate for deadline checks (one record per check); manual@<time> for people's escalations. */
  key: string;
  kind: string; // target_due_soon | target_breached | cap_breached | manual
  dueDate?: string;
  at: Date;
  level: 'department' | 'supervisor';
  reason?: string;
  by?: StaffRef;
}

export interface CaseVerification {
  by: StaffRef;
  at: Date;
  how: VerificationMethod;
  /** The customer's request, in their words. */
  customerRequest?: string;
}

/** The department's report to customer support (step 3 → 4). */
export interface CaseReport {
  by: StaffRef;
  at: Date;
  findings: string;
  cause: string;
  remedy: string;
  /** Something the customer must be told specifically. */
  tellCustomer?: string;
}

/** The answer to the customer: drafted, (for written answers) signed off, delivered. */
export interface CaseAnswer {
  text: string;
  /** A written answer needs a supervisor's approval before it may be delivered. */
  written: boolean;
  status: 'pending_approval' | 'ready' | 'returned' | 'delivered';
  draftedBy: StaffRef;
  draftedAt: Date;
  approvedBy?: StaffRef;
  approvedAt?: Date;
  returnedBy?: StaffRef;
  returnedAt?: Date;
  returnComment?: string;
  deliveredBy?: JournalActor;
  deliveredAt?: Date;
  deliveredVia?: string;
  /** The signed PDF letter of a written answer, rendered at approval (content-addressed store). */
  letter?: AnswerLetterRef;
  /** What became of the delivery on the channel after `deliver` (answered = the request; this tracks the channel). */
  delivery?: AnswerDelivery;
}

/** The rendered letter: its SHA-256 names the file in the store (a name never points at other bytes). */
export interface AnswerLetterRef {
  sha256: string;
  bytes: number;
  /** `company`: the certificate from LETTER_SIGNING_*; `development`: the throw-away one outside production. */
  certificate: 'company' | 'development';
  signer: { name: string; title: string };
  renderedAt: Date;
  /** The draft it was rendered from (its draftedAt): approving a letter of an older draft is refused. */
  draftedAt?: Date;
}

export interface AnswerDelivery {
  status: AnswerDeliveryStatus;
  via: Channel;
  requestedAt: Date;
  /** The round (reopenCount) it belongs to: one delivery job per round. */
  round: number;
  /** 0 for the first delivery of the round; each "deliver again" after a failure is the next attempt (its own job). */
  attempt?: number;
  updatedAt: Date;
  /** Why it failed for good (a person must reach the customer), or the last callback attempt's note. */
  reason?: string;
  /** Email (and the email copy of a chat answer): the address it went to. */
  to?: string;
  /** Postal: the day the clerk posted the letter (YYYY-MM-DD). */
  mailedOn?: string;
  callbackAttempts?: number;
}

/**
 * A joined email a person must look at: its sender is not the case's customer, or its
 * Authentication-Results failed. It never changes where replies go (the customer's address does,
 * until a staff member confirms a change: `confirm_reply_address`, which marks the alerts reviewed).
 */
export interface SenderAlert {
  /** The joined message's journal key (`email:<idempotency key>`). */
  key: string;
  at: Date;
  from: string;
  replyTo?: string;
  reasons: SenderAlertReason[];
  /** The receiving server's verdicts (absent results are `unknown`, not a failure). */
  authentication?: { spf: string; dkim: string; dmarc: string; verdict: 'pass' | 'fail' | 'unknown' };
  reviewedBy?: StaffRef;
  reviewedAt?: Date;
}

export interface CaseRootCause {
  category: string;
  lessonLearned: string;
  customerAccepted: boolean;
  by: StaffRef;
  at: Date;
}

export interface CaseSurvey {
  rating: number;
  comment?: string;
  at: Date;
  /** The staff member who answered (delivered) the answer the customer rates. */
  answeredBy?: JournalActor;
  /** Which closing of the case it rates (0 = the first). */
  afterReopen: number;
}

/** `Partial<CaseReportFacts>`: the reports' small top-level facts (reports/report-facts.ts), stored with every write. */
export interface CaseData extends Partial<CaseReportFacts> {
  caseNumber: string;
  channel: Channel;
  idempotencyKey: string;
  status: CaseStatus;
  /** The queue the case sits in: a department code or `triage`. */
  department: string;
  priority: Priority;
  customer: IntakeEnvelope['customer'];
  subject?: string;
  bodyText: string;
  safeHtml?: string;
  attachments: IntakeEnvelope['attachments'];
  receivedAt: Date;
  rawRef: string;
  recordedBy?: IntakeEnvelope['recordedBy'];
  resolvedOnContact: boolean;
  classification: CaseClassificationRecord;
  deadlines: CaseDeadlines;
  /** Folded (no diacritics, lowercase) text for `q` searches; FerretDB has no text indexes. */
  searchText: string;
  /**
   * Derived list keys (see `caseListKeys`): top-level equality fields FerretDB's PostgreSQL backend
   * pushes down. Absent on cases stored before them until `cli cases:reindex` or their next write.
   */
  openOwnerKey?: string;
  /** The distinct folded words of `searchText`: the search's inverted index, matched by equality. */
  searchTerms?: string[];
  /** ISO week of receipt in Vietnam (`2026-W14`): the reports group by it (FerretDB has no date operators in $group). */
  receivedWeek?: string;
  journal: JournalEntry[];

  /** Optimistic concurrency: every lifecycle write conditions on it and increments it. */
  version: number;
  /** Supervisors' attention: a deadline breach or a person's escalation. */
  escalated: boolean;
  escalations: CaseEscalation[];
  /** Department staff member working the case (claimed or assigned); null when in the queue. */
  owner: StaffRef | null;
  /** Other departments brought in: the case is visible to them. */
  collaborators: string[];
  /** Any case can be marked to need a written answer, whatever its channel. */
  answerInWriting: boolean;
  verification?: CaseVerification;
  report?: CaseReport;
  answer?: CaseAnswer;
  rootCause?: CaseRootCause;
  reopenCount: number;
  surveys: CaseSurvey[];
  answeredAt?: Date;
  closedAt?: Date;
  /** Joined emails flagged for a person (sender not the customer, failed authentication); see SenderAlert. */
  senderAlerts?: SenderAlert[];
  /** A merged duplicate: the case it joined (its journal and attachments were copied there). */
  mergedInto?: string;
  /** The duplicates merged into this case, oldest first. */
  mergedFrom?: string[];
}

/** A stored case: the data plus what the database adds. */
export type StoredCase = CaseData & { createdAt: Date; updatedAt: Date };

/** The defaults every new case starts with (the lifecycle fields). */
export function newCaseDefaults(): Pick<
  CaseData,
  'version' | 'escalated' | 'escalations' | 'owner' | 'collaborators' | 'answerInWriting' | 'reopenCount' | 'surveys'
> {
  return {
    version: 0,
    escalated: false,
    escalations: [],
    owner: null,
    collaborators: [],
    answerInWriting: false,
    reopenCount: 0,
    surveys: [],
  };
}

/** Fills lifecycle fields missing on cases written before they existed. */
export function withCaseDefaults<T extends Partial<CaseData>>(c: T): T & ReturnType<typeof newCaseDefaults> {
  const d = newCaseDefaults();
  return {
    ...c,
    version: c.version ?? d.version,
    escalated: c.escalated ?? d.escalated,
    escalations: c.escalations ?? d.escalations,
    owner: c.owner ?? d.owner,
    collaborators: c.collaborators ?? d.collaborators,
    answerInWriting: c.answerInWriting ?? d.answerInWriting,
    reopenCount: c.reopenCount ?? d.reopenCount,
    surveys: c.surveys ?? d.surveys,
  };
}

/**
 * The derived list keys, computed in this one place from the fields they depend on: the insert
 * (buildCaseFromEnvelope), every CaseLifecycle write and the reindex all call it.
 * - `openOwnerKey`: open cases `owner:<staff id>`, or `none` while waiting to be claimed;
 *   answered and closed cases `done`. Replaces the dotted `owner.id` filter, which FerretDB v1
 *   never pushes down, for "my cases" and "the department's unclaimed queue".
 * - `searchTerms`: the folded words of `searchText`.
 * - `receivedWeek`: the ISO week of receipt, for the reports' $group.
 */
export function caseListKeys(
  c: Pick<CaseData, 'status' | 'owner' | 'searchText' | 'receivedAt'>,
): Required<Pick<CaseData, 'openOwnerKey' | 'searchTerms' | 'receivedWeek'>> {
  return {
    openOwnerKey: !OPEN_STATUSES.includes(c.status) ? 'done' : c.owner ? `owner:${c.owner.id}` : 'none',
    searchTerms: searchTermsOf(c.searchText ?? ''),
    receivedWeek: isoWeekInVietnam(new Date(c.receivedAt)),
  };
}

/** ISO 8601 week (`YYYY-Www`) of the day in Asia/Ho_Chi_Minh (UTC+7 all year). */
export function isoWeekInVietnam(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000);
  const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides its year
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** What a queue list shows of a case. */
export type CaseSummaryView = Pick<
  CaseData,
  'caseNumber' | 'status' | 'channel' | 'department' | 'priority' | 'customer' | 'subject' | 'receivedAt' | 'escalated' | 'owner'
> & { deadlines: Pick<CaseDeadlines, 'target' | 'cap'> | undefined; collaborators: string[] };

/** The whole case as staff see it (everything but the search text, the derived list keys and the reports' facts). */
export type CaseView = Omit<StoredCase, 'searchText' | 'searchTerms' | 'openOwnerKey' | 'receivedWeek' | keyof CaseReportFacts>;

export function toCaseSummary(c: Pick<StoredCase, keyof CaseSummaryView | 'deadlines'>): CaseSummaryView {
  return {
    caseNumber: c.caseNumber,
    status: c.status,
    channel: c.channel,
    department: c.department,
    priority: c.priority,
    customer: c.customer,
    subject: c.subject,
    receivedAt: c.receivedAt,
    deadlines: c.deadlines && { target: c.deadlines.target, cap: c.deadlines.cap },
    escalated: c.escalated ?? false,
    owner: c.owner ?? null,
    collaborators: c.collaborators ?? [],
  };
}

export function toCaseView(c: StoredCase): CaseView {
  const { searchText: _omit, searchTerms: _terms, openOwnerKey: _key, receivedWeek: _week, ...rest } = withCaseDefaults(c);
  for (const fact of CASE_REPORT_FACT_FIELDS) delete (rest as Partial<CaseReportFacts>)[fact];
  delete (rest as { _id?: unknown })._id;
  delete (rest as { __v?: unknown }).__v;
  return rest;
}
