import type {
  AnswerDeliveryStatus,
  CallbackOutcome,
  CaseAction,
  CaseStatus,
  Channel,
  Priority,
  StaffRole,
  VerificationMethod,
} from '@cg/contracts';

/**
 * What the gateway's staff API answers (apps/gateway/src/routes). Enums come from
 * @cg/contracts; the response shapes are written here until the case view is defined once in
 * contracts (the case-lifecycle work), then these become imports.
 */

export interface StaffPrincipal {
  staffId: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
}

export interface LoginResponse {
  token: string;
  tokenType: 'Bearer';
  expiresAt: string;
  staff: StaffPrincipal;
}

export interface Customer {
  name?: string;
  phone?: string;
  email?: string;
  customerId?: string;
  domain?: string;
}

export interface DueDate {
  dueDate: string;
  dueAt?: string;
  workingDays?: number;
}

export interface DeadlineExplanation {
  skipped: { date: string; reason: string }[];
}

export interface CaseSummary {
  caseNumber: string;
  status: CaseStatus;
  channel: Channel;
  department: string;
  priority: Priority;
  customer?: Customer;
  subject?: string;
  receivedAt: string;
  deadlines?: { target?: DueDate; cap?: DueDate };
  escalated?: boolean;
  owner?: StaffRef | null;
  collaborators?: string[];
}

export interface StaffRef {
  id: string;
  name: string;
  role?: string;
}

/** One page of a case list: `nextCursor` reads the next one (null on the last page). */
export interface CasePage {
  items: CaseSummary[];
  pageSize: number;
  nextCursor: string | null;
  /** Only when asked for (count=true): it reads the whole list. */
  total?: number;
}

export interface JournalEntry {
  id?: string;
  at: string;
  type?: string;
  message: string;
  actor?: { kind?: string; name?: string; role?: string };
  data?: Record<string, unknown>;
}

export interface CaseView extends CaseSummary {
  bodyText?: string;
  classification?: {
    department: string;
    confidence: number;
    method: string;
    evidence?: string[];
    bestGuess?: string;
    runnerUp?: { department: string; confidence: number };
  };
  deadlines?: { target?: DueDate; cap?: DueDate; explanation?: DeadlineExplanation };
  journal: JournalEntry[];
  /** What may be fired on the case in its state (by someone: the console also checks the role). */
  allowedActions?: CaseAction[];
  version?: number;
  answerInWriting?: boolean;
  reopenCount?: number;
  resolvedOnContact?: boolean;
  verification?: { by: StaffRef; at: string; how: VerificationMethod; customerRequest?: string };
  report?: { by: StaffRef; at: string; findings: string; cause: string; remedy: string; tellCustomer?: string };
  answer?: {
    text: string;
    written: boolean;
    status: 'pending_approval' | 'ready' | 'returned' | 'delivered';
    draftedBy: StaffRef;
    draftedAt: string;
    approvedBy?: StaffRef;
    returnedBy?: StaffRef;
    returnComment?: string;
    deliveredVia?: string;
    delivery?: {
      status: AnswerDeliveryStatus;
      via: Channel;
      callbackAttempts?: number;
      mailedOn?: string;
      reason?: string;
      /** 0 (absent) for the first delivery; each "deliver again" is the next attempt. */
      attempt?: number;
    };
    letter?: { sha256: string };
  };
  /** Joined emails flagged for a person (@cg/core SenderAlert): unreviewed ones have no reviewedAt. */
  senderAlerts?: Array<{
    key: string;
    at: string;
    from: string;
    replyTo?: string;
    reasons: Array<'sender_not_customer' | 'authentication_failed'>;
    authentication?: { spf: string; dkim: string; dmarc: string; verdict: 'pass' | 'fail' | 'unknown' };
    reviewedBy?: StaffRef;
    reviewedAt?: string;
  }>;
  rootCause?: { category: string; lessonLearned: string; customerAccepted: boolean; by: StaffRef; at: string };
}

export interface CaseListQuery {
  department?: string;
  status?: string;
  channel?: string;
  q?: string;
  escalated?: boolean;
  /** `false`: not yet confirmed with the customer (customer support's "to verify"). */
  verified?: boolean;
  /** `me`: my cases; `none`: waiting in the queue for someone to claim. */
  owner?: 'me' | 'none';
  /** `deadline`: most urgent target first; default newest first. */
  sort?: 'received' | 'deadline';
  /** The previous page's nextCursor; none: the first page. */
  cursor?: string;
  pageSize: number;
}

export interface DeadlineAnswer {
  target: DueDate;
  cap: DueDate;
  explanation: DeadlineExplanation;
}

/** A field the server refused (problem+json `errors`). */
export interface FieldProblem {
  field: string;
  code?: string;
  message: string;
}

/**
 * The case action routes (POST /api/v1/cases/:caseNumber/<path>, apps/gateway case-actions.routes.ts)
 * and their request bodies.
 */
export interface CaseActionBodies {
  verify: { how: VerificationMethod; customerRequest?: string; priority?: Priority; note?: string };
  claim: Record<string, never>;
  release: { reason?: string };
  assign: { assignee: string; note?: string };
  notes: { text: string };
  collaborators: { departments: string[]; note?: string };
  transfer: { department: string; reason: string };
  escalate: { reason: string };
  report: { findings: string; cause: string; remedy: string; tellCustomer?: string };
  answer: { text: string; answerInWriting?: boolean };
  'answer/approve': { comment?: string };
  'answer/return': { comment: string };
  deliver: { via?: 'email' | 'livechat' | 'hotline' | 'postal'; note?: string };
  'deliver-again': { via?: 'email' | 'livechat' | 'hotline' | 'postal'; note?: string };
  /** Confirm where replies go (answers { caseNumber, customer, senderAlerts }, not the case). */
  'reply-address': { email?: string; note: string };
  'resolve-on-contact': { note: string };
  close: { rootCause: string; lessonLearned: string; customerAccepted: boolean };
  reopen: { reason: string; via?: 'hotline' | 'email' | 'livechat' | 'postal'; customerPhone?: string; customerEmail?: string };
}
export type CaseActionPath = keyof CaseActionBodies;

/** A delivery waiting for a person (GET /api/v1/callbacks, GET /api/v1/postal/outgoing). */
export interface DeliveryTask {
  caseNumber: string;
  channel: Channel;
  customer?: Customer;
  subject?: string;
  department: string;
  requestedAt?: string;
  status?: AnswerDeliveryStatus;
  callbackAttempts: number;
  /** The last callback attempt's note (or why the delivery failed). */
  lastNote?: string;
  answerText?: string;
  letterUrl?: string;
}

/** What failed for good and waits for a person (GET /api/v1/deliveries/failed). */
export interface FailedDeliveries {
  /** Answers whose delivery failed: "deliver again" (POST …/deliver-again) or reach the customer. */
  answers: Array<DeliveryTask & { via?: Channel; reason?: string }>;
  /** Emails (replies, receipts, answers) refused for good or out of retries. */
  mail: Array<{
    outboundId: string;
    caseNumber?: string;
    kind: string;
    to: string;
    subject: string;
    reason?: string;
    attempts?: number;
    failedAt: string;
  }>;
}

/** The answer's draft from the template (GET /api/v1/cases/:caseNumber/answer/template). */
export interface AnswerTemplate {
  caseNumber: string;
  language: string;
  text: string;
  reported: boolean;
}

export interface CallbackOutcomeBody {
  outcome: CallbackOutcome;
  note: string;
}
