import {
  CASE_ACTIONS,
  CASE_STATUSES,
  CHANNELS,
  DEFAULT_WRITTEN_CHANNELS,
  OPEN_STATUSES,
  TRIAGE,
  type CallbackOutcome,
  type CaseAction,
  type CaseStatus,
  type Channel,
  type IntakeEnvelope,
  type AttachmentRef,
  type Priority,
  type VerificationMethod,
} from '@cg/contracts';
import { hasPermission, type Permission } from '../auth/permissions';
import type { CaseDeadlines } from '../deadlines/case-deadlines';
import type {
  AnswerDelivery,
  AnswerLetterRef,
  CaseActor,
  CaseData,
  CaseEscalation,
  JournalActor,
  JournalEntry,
  SenderAlert,
  StaffRef,
} from './case-data';
import { CaseInputInvalid, CaseNotFound, NotPermitted, TransitionRefused } from './case-errors';
import { replyWithholdsSignOff } from './reply-gate';

/**
 * The case's state machine, written once: for every action, the states it may be fired from,
 * the state it leads to, who may fire it, and the journal entry it writes. Pure: no I/O, no
 * clock (the time comes in `ctx.now`). The CaseLifecycle runs it under a per-case lease.
 *
 *  triage ─reclassify─► routed ─claim/assign─► in_progress ─report─► resolution_reported
 *     │                  ▲  ◄──release/transfer──┘                         │ draft
 *     │                  └───────── transfer ──────────┐                    ▼
 *     │                                        answer_pending_approval ◄─ (written) ─┐
 *     │                                          approve │   │ return → resolution_reported
 *     │                                                  ▼   │
 *     └─ resolve_on_contact ──────────────► answered ◄─deliver─ answer_ready ◄─ (not written)
 *                                              │ close (root cause, lesson, accepted?)
 *                                              ▼
 *                                            closed ─reopen─► reopened (customer support; new target)
 *
 * `reopened` is a state, not a flag: it is customer support's queue of cases the customer came
 * back on (the department stays on the case, so an agent can send it straight back), it has its
 * own deadline (the reopening is a new receipt), and `reopenCount` counts the rounds.
 * `waiting_on_customer` is not modelled: the legal deadline never pauses, and a customer's
 * message is journalled on the case in whatever state it is.
 */

const ALL: readonly CaseStatus[] = CASE_STATUSES;
const OPEN: readonly CaseStatus[] = OPEN_STATUSES;
/** Every state but `merged`: a merged duplicate is finished; its life goes on in the case it joined. */
const LIVE: readonly CaseStatus[] = ALL.filter((s) => s !== 'merged');
/**
 * A duplicate may be merged while it is still being handled and before an answer is drafted on it
 * (a draft or a sign-off would be lost); the case it joins must be open (MERGE_SURVIVOR_STATES).
 */
const MERGEABLE: readonly CaseStatus[] = ['triage', 'routed', 'in_progress', 'resolution_reported', 'reopened'];
/** The states of the case a duplicate may join: any open case (not answered, closed or merged). */
export const MERGE_SURVIVOR_STATES: readonly CaseStatus[] = OPEN;

/** Who may fire an action: staff holding a permission, the customer, and/or the system. */
export interface Firer {
  permission?: Permission;
  customer?: boolean;
  system?: boolean;
}

export interface TransitionRule {
  /** States the action may be fired from (`receive` creates the case: from none). */
  from: readonly CaseStatus[];
  /** Where it leads: one state, several (decided by the input/case), or `unchanged`. */
  to: CaseStatus | readonly CaseStatus[] | 'unchanged';
  firedBy: Firer;
  /** The journal entry type(s) it writes. */
  journal: readonly string[];
}

export const CASE_TRANSITIONS: Record<CaseAction, TransitionRule> = {
  receive: {
    from: [],
    to: ['triage', 'routed', 'closed'],
    firedBy: { customer: true, system: true, permission: 'hotline:log-call' },
    journal: ['received', 'classified', 'routed', 'resolved_on_contact'],
  },
  verify: {
    from: ['triage', 'routed', 'in_progress', 'reopened'],
    to: 'unchanged',
    firedBy: { permission: 'cases:verify' },
    journal: ['verified'],
  },
  reclassify: {
    from: ['triage', 'routed', 'reopened'],
    to: 'routed',
    firedBy: { permission: 'cases:classify' },
    journal: ['reclassified'],
  },
  claim: { from: ['routed', 'in_progress'], to: 'in_progress', firedBy: { permission: 'cases:claim' }, journal: ['claimed'] },
  release: { from: ['in_progress'], to: 'routed', firedBy: { permission: 'cases:claim' }, journal: ['released'] },
  // The system assigns too: automatic fair assignment (apps/worker auto-assign job), only from the queue.
  assign: {
    from: ['routed', 'in_progress', 'reopened'],
    to: 'in_progress',
    firedBy: { permission: 'cases:assign', system: true },
    journal: ['assigned'],
  },
  note: { from: LIVE, to: 'unchanged', firedBy: { permission: 'cases:note' }, journal: ['note'] },
  collaborate: {
    from: ['routed', 'in_progress', 'resolution_reported', 'reopened'],
    to: 'unchanged',
    firedBy: { permission: 'cases:collaborate' },
    journal: ['collaborators_added'],
  },
  transfer: {
    from: ['routed', 'in_progress', 'reopened'],
    to: 'routed',
    firedBy: { permission: 'cases:transfer' },
    journal: ['transferred'],
  },
  escalate: { from: OPEN, to: 'unchanged', firedBy: { permission: 'cases:escalate' }, journal: ['escalated'] },
  extend: { from: OPEN, to: 'unchanged', firedBy: { permission: 'deadlines:extend' }, journal: ['deadline_extended'] },
  report: { from: ['in_progress'], to: 'resolution_reported', firedBy: { permission: 'cases:report' }, journal: ['resolution_reported'] },
  draft: {
    from: ['resolution_reported', 'answer_pending_approval', 'answer_ready', 'reopened'],
    to: ['answer_pending_approval', 'answer_ready'],
    firedBy: { permission: 'cases:draft' },
    journal: ['answer_drafted'],
  },
  approve: {
    from: ['answer_pending_approval'],
    to: 'answer_ready',
    firedBy: { permission: 'cases:approve' },
    journal: ['answer_approved'],
  },
  return: {
    from: ['answer_pending_approval'],
    to: 'resolution_reported',
    firedBy: { permission: 'cases:approve' },
    journal: ['answer_returned'],
  },
  deliver: { from: ['answer_ready'], to: 'answered', firedBy: { permission: 'cases:deliver' }, journal: ['answer_delivered'] },
  resolve_on_contact: {
    from: ['triage', 'routed', 'in_progress', 'reopened'],
    to: 'answered',
    firedBy: { permission: 'cases:resolve-on-contact' },
    journal: ['resolved_on_contact'],
  },
  close: { from: ['answered'], to: 'closed', firedBy: { permission: 'cases:close' }, journal: ['closed'] },
  reopen: { from: ['answered', 'closed'], to: 'reopened', firedBy: { permission: 'cases:reopen', customer: true }, journal: ['reopened'] },
  survey: { from: ['closed'], to: 'unchanged', firedBy: { customer: true }, journal: ['survey_answered'] },
  deadline_check: { from: OPEN, to: 'unchanged', firedBy: { system: true }, journal: ['deadline_reminder', 'escalated'] },
  // On a merged duplicate the lifecycle follows `mergedInto` and joins the message there.
  customer_message: {
    from: LIVE.filter((s) => s !== 'closed'),
    to: 'unchanged',
    firedBy: { customer: true, system: true },
    journal: ['customer_email', 'customer_chat', 'email_sender_flagged'],
  },
  correspond: { from: LIVE, to: 'unchanged', firedBy: { permission: 'cases:reply' }, journal: ['email_reply_queued'] },
  mail_event: {
    from: ALL,
    to: 'unchanged',
    firedBy: { system: true },
    journal: ['email_sent', 'email_suppressed', 'email_bounced', 'email_failed'],
  },
  // Answer delivery (issue 9, step 4): `deliver` answers the case and requests the delivery; this
  // records what the channel did with it. The delivery job (system) reports sent / task / failed;
  // operators record callback outcomes and clerks the mailing date (permission cases:deliver).
  delivery: {
    from: ['answered', 'closed'],
    to: 'unchanged',
    firedBy: { system: true, permission: 'cases:deliver' },
    journal: ['answer_sent', 'answer_delivery_task', 'answer_delivery_failed', 'callback_outcome', 'letter_mailed'],
  },
  // A delivery that failed for good is requested again by a person (a new attempt, its own job).
  redeliver: {
    from: ['answered', 'closed'],
    to: 'unchanged',
    firedBy: { permission: 'cases:deliver' },
    journal: ['answer_redelivery_requested'],
  },
  // Where replies go: the customer's address from intake, changed only when staff confirm it here.
  confirm_reply_address: {
    from: LIVE,
    to: 'unchanged',
    firedBy: { permission: 'cases:reply' },
    journal: ['reply_address_confirmed'],
  },
  // Step 2: the duplicate's row. It changes two cases (decideMerge): the duplicate goes to `merged`
  // (journal `merged_into`), the survivor (any MERGE_SURVIVOR_STATES, unchanged) gets `merged_from`
  // and a `merged_entry` copy of each of the duplicate's entries.
  merge: {
    from: MERGEABLE,
    to: 'merged',
    firedBy: { permission: 'cases:merge' },
    journal: ['merged_into', 'merged_from', 'merged_entry'],
  },
};

/** The actions that may be fired on a case in this state (by someone). */
export function allowedActions(state: CaseStatus): CaseAction[] {
  return CASE_ACTIONS.filter((a) => CASE_TRANSITIONS[a].from.includes(state));
}

export function isAllowed(state: CaseStatus, action: CaseAction): boolean {
  return CASE_TRANSITIONS[action].from.includes(state);
}

export function mayFire(actor: CaseActor, action: CaseAction): boolean {
  const by = CASE_TRANSITIONS[action].firedBy;
  if (actor.kind === 'staff') return by.permission !== undefined && hasPermission(actor.role, by.permission);
  if (actor.kind === 'customer') return by.customer === true;
  return by.system === true;
}

/** Department staff see their own department's cases and those it collaborates on; other staff see all. */
export function isVisibleTo(actor: CaseActor, c: Pick<CaseData, 'department' | 'collaborators'>): boolean {
  if (actor.kind !== 'staff' || actor.role !== 'department_staff') return true;
  const dept = actor.department;
  return dept !== undefined && (c.department === dept || (c.collaborators ?? []).includes(dept));
}

// ─── Inputs ────────────────────────────────────────────────────────────────────────────────

export type DeadlineCheckKind = 'target_due_soon' | 'target_breached' | 'cap_breached';
export type MailEvent = 'sent' | 'suppressed' | 'bounced' | 'failed';

export interface CaseActionInputs {
  verify: { how: VerificationMethod; customerRequest?: string; priority?: Priority; note?: string };
  reclassify: { department: string; note?: string };
  claim: Record<string, never>;
  release: { reason?: string };
  assign: { assignee: StaffRef & { department?: string }; note?: string };
  /** `attachments`: files uploaded with the note (staff only; stored by the gateway, referenced here). */
  /** `key`: the client's Idempotency-Key; a note already journalled under it is not added again (a retry). */
  note: { text: string; attachments?: AttachmentRef[]; key?: string };
  collaborate: { departments: string[]; note?: string };
  transfer: { department: string; reason: string };
  /** `key`: the client's Idempotency-Key; an escalation already journalled under it is not made again (a retry). */
  escalate: { reason: string; key?: string };
  /** The new deadlines come from the DeadlinePlanner (the lifecycle computes them). */
  /** `key`: the client's Idempotency-Key (a retry is a no-op); `request`: what was asked under it, to tell a reused key. */
  extend: { deadlines: CaseDeadlines; reason: string; key?: string; request?: string };
  report: { findings: string; cause: string; remedy: string; tellCustomer?: string };
  draft: { text: string; answerInWriting?: boolean };
  /** `letter`: the signed PDF rendered for this approval (written answers; the gateway renders it first). */
  approve: { comment?: string; letter?: AnswerLetterRef };
  return: { comment: string };
  /** `letter`: a written answer approved before letters were rendered gets its letter now. */
  deliver: { via?: string; note?: string; letter?: AnswerLetterRef };
  resolve_on_contact: { note: string };
  close: { rootCause: string; lessonLearned: string; customerAccepted: boolean };
  /** The new deadlines are planned from the moment of reopening (the lifecycle computes them). */
  reopen: {
    reason: string;
    deadlines: CaseDeadlines;
    via?: string;
    /** The caller's phone or email, checked against the case's customer (required from hotline operators). */
    contact?: { phone?: string; email?: string };
  };
  /** `round`: the closing the survey link was made for (its reopenCount); a link of an earlier closing is refused. */
  survey: { rating: number; comment?: string; round?: number };
  deadline_check: { kind: DeadlineCheckKind; dueDate: string };
  customer_message: {
    /** Idempotency: a message already journalled under this key is not joined again. */
    key: string;
    channel: Channel;
    at: Date;
    /** How it was matched to the case (e.g. "signed Message-ID"). */
    matchedBy?: string;
    data?: Record<string, unknown>;
    attachments?: CaseData['attachments'];
    /** The joined email's sender is not the customer, or it failed authentication: flag it for a person. */
    senderAlert?: Omit<SenderAlert, 'key' | 'at' | 'reviewedBy' | 'reviewedAt'>;
  };
  /** `text`: what is sent, checked against the unapproved written answer (replyWithholdsSignOff). */
  correspond: { key: string; to: string; text: string; data?: Record<string, unknown> };
  redeliver: { via?: Channel; note?: string };
  /** `email` absent: the address stays; either way the open sender alerts are marked reviewed. */
  confirm_reply_address: { email?: string; note: string };
  delivery: {
    /** Idempotency: an event already journalled under this key is not recorded again. */
    key: string;
    /**
     * System: `sent` (email/chat handed over), `task` (callback task or print queue created),
     * `failed` (final failure). Staff: `callback` (hotline operator), `mailed` (postal clerk).
     */
    event: 'sent' | 'task' | 'failed' | 'callback' | 'mailed';
    outcome?: CallbackOutcome;
    note?: string;
    reason?: string;
    to?: string;
    /** YYYY-MM-DD, for `mailed`. */
    mailedOn?: string;
    data?: Record<string, unknown>;
  };
  mail_event: {
    key: string;
    event: MailEvent;
    /** receipt | reply | notice | transcript | … */
    kind: string;
    to: string;
    at?: Date;
    reason?: string;
    data?: Record<string, unknown>;
  };
}

/** Actions on one case (`receive` creates a case; `merge` changes two: see decideMerge). */
export type CaseCommandAction = Exclude<CaseAction, 'receive' | 'merge'>;
export type CaseCommand = { [A in CaseCommandAction]: { action: A; input: CaseActionInputs[A] } }[CaseCommandAction];

export interface LifecycleSettings {
  /** Channels whose complaints get a written answer that a supervisor signs off. */
  writtenChannels: readonly Channel[];
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = { writtenChannels: DEFAULT_WRITTEN_CHANNELS };

/** The settings from configuration (CASE_WRITTEN_CHANNELS, e.g. `postal,email`); an unknown channel stops the process at start. */
export function lifecycleSettingsFrom(config: { CASE_WRITTEN_CHANNELS: string }): LifecycleSettings {
  const names = config.CASE_WRITTEN_CHANNELS.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const unknown = names.filter((c) => !(CHANNELS as readonly string[]).includes(c));
  if (unknown.length) throw new Error(`CASE_WRITTEN_CHANNELS: unknown channel(s) ${unknown.join(', ')} (known: ${CHANNELS.join(', ')})`);
  return { writtenChannels: names as Channel[] };
}

/** What one action does to a case: the lifecycle writes it in one conditional update. */
export interface CaseChange {
  /** Nothing to write: an idempotent repeat (the same claim, an already-journalled message). */
  noop: boolean;
  /** New values of the changed fields (status included when it changes). */
  set: Partial<CaseData>;
  unset: Array<keyof CaseData>;
  journal: JournalEntry[];
  appendAttachments: CaseData['attachments'];
}

export interface DecideContext {
  now: Date;
  settings?: LifecycleSettings;
}

// ─── Receipt (the insert) ───────────────────────────────────────────────────────────────────

export interface ReceiptClassification {
  department: string;
  bestGuess: string;
  confidence: number;
  runnerUp?: { department: string; confidence: number };
  abstained: boolean;
  method: 'rules' | 'model';
  evidence: string[];
  priority: Priority;
  urgencyFlags: string[];
}

/**
 * `receive`: the whole first life of a case, decided before the insert: received, classified,
 * routed (or sent to triage), and closed at once when it was resolved during the first contact.
 */
export function decideReceipt(
  envelope: IntakeEnvelope,
  classification: ReceiptClassification,
  deadlines: Pick<CaseDeadlines, 'target' | 'cap'>,
  now: Date,
): { status: CaseStatus; department: string; journal: JournalEntry[]; closedAt?: Date } {
  const receivedAt = new Date(envelope.receivedAt);
  const inTriage = classification.abstained || classification.department === TRIAGE;
  const queue = inTriage ? TRIAGE : classification.department;
  const recorder = envelope.recordedBy;
  const urgency = classification.urgencyFlags.length
    ? ` Urgency: ${classification.urgencyFlags.join(', ')} → priority ${classification.priority}.`
    : '';
  const journal: JournalEntry[] = [
    {
      at: receivedAt,
      type: 'received',
      actor: recorder
        ? { kind: 'staff', id: recorder.staffId, role: recorder.role, ...(recorder.name ? { name: recorder.name } : {}) }
        : { kind: 'customer' },
      message: `Complaint received via ${envelope.channel}; case number ${envelope.caseNumber} given to the customer.`,
      data: { rawRef: envelope.rawRef },
    },
    {
      at: now,
      type: 'classified',
      actor: SYSTEM,
      message:
        (inTriage
          ? `Classifier not confident (best guess ${classification.bestGuess} at ${pct(classification.confidence)}): manual triage needed.`
          : `Classified as ${classification.department} (${pct(classification.confidence)}, by ${classification.method}).`) + urgency,
      data: {
        department: classification.department,
        confidence: classification.confidence,
        runnerUp: classification.runnerUp,
        evidence: classification.evidence,
        priority: classification.priority,
        urgencyFlags: classification.urgencyFlags,
      },
    },
    {
      at: now,
      type: 'routed',
      actor: SYSTEM,
      message: inTriage ? 'Placed in the triage queue.' : `Placed in the ${queue} department queue.`,
      data: { queue, targetDueAt: deadlines.target.dueAt, capDueAt: deadlines.cap.dueAt },
    },
  ];
  if (!envelope.resolvedOnContact) return { status: inTriage ? 'triage' : 'routed', department: queue, journal };
  // Resolved during the first contact (hotline "resolved on the call"): closed at once.
  journal.push({
    at: now,
    type: 'resolved_on_contact',
    actor: recorder ? { kind: 'staff', id: recorder.staffId, role: recorder.role } : SYSTEM,
    message: 'Resolved during the first contact; no written answer required. Case closed.',
  });
  return { status: 'closed', department: queue, journal, closedAt: now };
}

// ─── Every other action ────────────────────────────────────────────────────────────────────

/**
 * Decides what `command` does to case `c` when `actor` fires it: the new field values and the
 * journal entries, or a typed refusal (NotPermitted, CaseNotFound for a case the actor may not
 * see, TransitionRefused, CaseInputInvalid).
 */
export function decide(c: CaseData, actor: CaseActor, command: CaseCommand, ctx: DecideContext): CaseChange {
  const { action } = command;
  if (!mayFire(actor, action)) {
    throw new NotPermitted(action, `${actorLabel(actor)} may not ${action} a case`);
  }
  if (!isVisibleTo(actor, c)) throw new CaseNotFound(c.caseNumber);
  const rule = CASE_TRANSITIONS[action];
  if (!rule.from.includes(c.status)) throw refuse(c, action);
  const settings = ctx.settings ?? DEFAULT_LIFECYCLE_SETTINGS;
  const change = Handlers[action](c, actor, command.input as never, { now: ctx.now, settings });
  if (!change.noop && change.set.status !== undefined) {
    const to = rule.to;
    const ok =
      to === 'unchanged'
        ? change.set.status === c.status
        : typeof to === 'string'
          ? change.set.status === to
          : to.includes(change.set.status);
    if (!ok) throw new Error(`state machine bug: ${action} from ${c.status} led to ${change.set.status}`);
  }
  return change;
}

type Handler<A extends CaseCommandAction> = (
  c: CaseData,
  actor: CaseActor,
  input: CaseActionInputs[A],
  ctx: { now: Date; settings: LifecycleSettings },
) => CaseChange;

const SYSTEM: JournalActor = { kind: 'system' };

function journalActor(actor: CaseActor): JournalActor {
  if (actor.kind === 'staff') return { kind: 'staff', id: actor.id, name: actor.name, role: actor.role };
  if (actor.kind === 'customer') return { kind: 'customer', ...(actor.name ? { name: actor.name } : {}) };
  return SYSTEM;
}

function staffRef(actor: CaseActor): StaffRef {
  if (actor.kind !== 'staff') throw new NotPermitted('note', 'only staff can do this');
  return { id: actor.id, name: actor.name, role: actor.role };
}

function actorLabel(actor: CaseActor): string {
  return actor.kind === 'staff' ? `role ${actor.role}` : actor.kind === 'customer' ? 'the customer' : 'the system';
}

function isSupervisor(actor: CaseActor): boolean {
  return actor.kind === 'staff' && (actor.role === 'supervisor' || actor.role === 'admin');
}

function refuse(c: CaseData, action: CaseAction, reason?: string): TransitionRefused {
  return new TransitionRefused(c.caseNumber, c.status, action, allowedActions(c.status), reason);
}

function change(
  c: CaseData,
  actor: CaseActor,
  ctx: { now: Date },
  entry: Omit<JournalEntry, 'at' | 'actor'> & { at?: Date },
  set: Partial<CaseData> = {},
  extra: Partial<Pick<CaseChange, 'unset' | 'appendAttachments'>> = {},
): CaseChange {
  return {
    noop: false,
    set,
    unset: extra.unset ?? [],
    appendAttachments: extra.appendAttachments ?? [],
    journal: [
      {
        at: entry.at ?? ctx.now,
        actor: journalActor(actor),
        type: entry.type,
        message: entry.message,
        ...(entry.data ? { data: entry.data } : {}),
      },
    ],
  };
}

const NOOP: CaseChange = { noop: true, set: {}, unset: [], journal: [], appendAttachments: [] };

function hasJournalKey(c: CaseData, key: string): boolean {
  return (c.journal ?? []).some((j) => (j.data as { key?: unknown } | undefined)?.key === key);
}

function requireText(field: string, value: string | undefined, what: string): string {
  const v = value?.trim();
  if (!v) throw new CaseInputInvalid(field, `${what} is required`);
  return v;
}

function ownerOrSupervisor(c: CaseData, actor: CaseActor, action: CaseAction): void {
  if (isSupervisor(actor)) return;
  if (actor.kind === 'staff' && c.owner?.id === actor.id) return;
  throw refuse(
    c,
    action,
    c.owner
      ? `case ${c.caseNumber} is being handled by ${c.owner.name}; only they or a supervisor can ${action} it`
      : `case ${c.caseNumber} has no owner; claim it first`,
  );
}

function ownDepartmentOnly(c: CaseData, actor: CaseActor, action: CaseAction): void {
  // Collaborators see the case but do not take it over: claims stay within the owning department.
  if (actor.kind === 'staff' && actor.role === 'department_staff' && actor.department !== c.department) {
    throw new NotPermitted(action, `case ${c.caseNumber} belongs to ${c.department}; collaborators cannot ${action} it`);
  }
}

/** A caller reopening by phone proves it is the case's customer: their phone or email must match. */
function checkContact(c: CaseData, contact: { phone?: string; email?: string } | undefined): void {
  const digits = (p: string | undefined) => (p ?? '').replace(/\D/g, '').replace(/^84/, '0');
  const phone = digits(contact?.phone);
  const email = contact?.email?.trim().toLowerCase() ?? '';
  if (!phone && !email) throw new CaseInputInvalid('customerPhone', 'give the customer’s phone or email to check against the case');
  const phoneMatches = phone.length >= 8 && phone === digits(c.customer?.phone);
  const emailMatches = email !== '' && email === (c.customer?.email ?? '').trim().toLowerCase();
  if (!phoneMatches && !emailMatches) {
    throw new CaseInputInvalid(phone ? 'customerPhone' : 'customerEmail', 'does not match the customer of this case');
  }
}

function isWritten(c: CaseData, settings: LifecycleSettings): boolean {
  return c.answerInWriting || settings.writtenChannels.includes(c.channel);
}

const DEADLINE_RULES: Record<
  DeadlineCheckKind,
  { level: 'department' | 'supervisor'; priority?: 'high' | 'urgent'; type: string; message: (d: string) => string }
> = {
  target_due_soon: {
    level: 'department',
    type: 'deadline_reminder',
    message: (d) => `Reminder: the answer is due by the end of ${d} (last working day).`,
  },
  target_breached: {
    level: 'supervisor',
    priority: 'high',
    type: 'escalated',
    message: (d) => `Target deadline ${d} passed without an answer: escalated to supervisors.`,
  },
  cap_breached: {
    level: 'supervisor',
    priority: 'urgent',
    type: 'escalated',
    message: (d) => `Legal limit ${d} passed without an answer: escalated to supervisors, urgent.`,
  },
};

const PRIORITY_RANK: Record<Priority, number> = { normal: 0, high: 1, urgent: 2 };

const Handlers: { [A in CaseCommandAction]: Handler<A> } = {
  verify(c, actor, input, ctx) {
    const customerRequest = input.customerRequest?.trim();
    const priority = input.priority && input.priority !== c.priority ? input.priority : undefined;
    return change(
      c,
      actor,
      ctx,
      {
        type: 'verified',
        message: `Complaint confirmed with the customer (by ${input.how})${priority ? `; priority set to ${priority}` : ''}${customerRequest ? `. The customer asks: ${customerRequest}` : ''}${input.note ? `. ${input.note}` : ''}`,
        data: {
          how: input.how,
          ...(customerRequest ? { customerRequest } : {}),
          ...(priority ? { priority: { from: c.priority, to: priority } } : {}),
        },
      },
      {
        verification: { by: staffRef(actor), at: ctx.now, how: input.how, ...(customerRequest ? { customerRequest } : {}) },
        ...(priority ? { priority } : {}),
      },
    );
  },

  reclassify(c, actor, input, ctx) {
    if (input.department === TRIAGE) throw new CaseInputInvalid('department', 'choose a department, not triage');
    const note = input.note?.trim();
    return change(
      c,
      actor,
      ctx,
      {
        type: 'reclassified',
        message: `Department corrected from ${c.department} to ${input.department}${note ? `: ${note}` : ''}.`,
        data: { from: c.department, to: input.department },
      },
      {
        status: 'routed',
        department: input.department,
        owner: null,
        classification: { ...c.classification, department: input.department, method: 'manual', abstained: false, classifiedAt: ctx.now },
      },
    );
  },

  claim(c, actor, _input, ctx) {
    ownDepartmentOnly(c, actor, 'claim');
    const me = staffRef(actor);
    if (c.status === 'in_progress') {
      if (c.owner?.id === me.id) return NOOP; // the same claim again (a retried request)
      throw refuse(c, 'claim', `case ${c.caseNumber} is already claimed by ${c.owner?.name ?? 'someone else'}`);
    }
    return change(
      c,
      actor,
      ctx,
      { type: 'claimed', message: `Claimed by ${me.name}.`, data: { owner: me } },
      { status: 'in_progress', owner: me },
    );
  },

  release(c, actor, input, ctx) {
    ownerOrSupervisor(c, actor, 'release');
    const reason = input.reason?.trim();
    return change(
      c,
      actor,
      ctx,
      {
        type: 'released',
        message: `Released back to the ${c.department} queue${reason ? `: ${reason}` : ''}.`,
        data: { previousOwner: c.owner, ...(reason ? { reason } : {}) },
      },
      { status: 'routed', owner: null },
    );
  },

  assign(c, actor, input, ctx) {
    // Automatic assignment never takes a case from a person or out of customer support's hands.
    if (actor.kind === 'system' && (c.status !== 'routed' || c.owner))
      throw refuse(c, 'assign', `case ${c.caseNumber} is no longer waiting in the ${c.department} queue`);
    const a = input.assignee;
    if (a.department !== undefined && a.department !== c.department) {
      throw new CaseInputInvalid('assignee', `${a.name} works in ${a.department}, the case is in ${c.department}`);
    }
    const owner: StaffRef = { id: a.id, name: a.name, ...(a.role ? { role: a.role } : {}) };
    if (c.status === 'in_progress' && c.owner?.id === owner.id) return NOOP;
    const note = input.note?.trim();
    return change(
      c,
      actor,
      ctx,
      {
        type: 'assigned',
        message: `Assigned to ${a.name}${c.owner ? ` (was ${c.owner.name})` : ''}${note ? `: ${note}` : ''}.`,
        data: { owner, previousOwner: c.owner },
      },
      { status: 'in_progress', owner },
    );
  },

  note(c, actor, input, ctx) {
    if (input.key && hasJournalKey(c, input.key)) return NOOP; // a retried note
    const text = requireText('text', input.text, 'the note');
    const files = input.attachments ?? [];
    return change(c, actor, ctx, {
      type: 'note',
      message: files.length ? `${text} [attached: ${files.map((f) => f.fileName).join(', ')}]` : text,
      data: { internal: true, ...(files.length ? { attachments: files } : {}), ...(input.key ? { key: input.key } : {}) },
    });
  },

  collaborate(c, actor, input, ctx) {
    const wanted = [...new Set(input.departments)].filter((d) => d !== TRIAGE);
    if (wanted.length === 0) throw new CaseInputInvalid('departments', 'name at least one department');
    if (wanted.includes(c.department)) throw new CaseInputInvalid('departments', `the case is already in ${c.department}`);
    const added = wanted.filter((d) => !c.collaborators.includes(d));
    if (added.length === 0) return NOOP;
    const note = input.note?.trim();
    return change(
      c,
      actor,
      ctx,
      { type: 'collaborators_added', message: `Brought in ${added.join(', ')}${note ? `: ${note}` : ''}.`, data: { added } },
      { collaborators: [...c.collaborators, ...added] },
    );
  },

  transfer(c, actor, input, ctx) {
    if (input.department === TRIAGE) throw new CaseInputInvalid('department', 'transfer to a department, not triage');
    if (input.department === c.department) throw new CaseInputInvalid('department', `the case is already in ${c.department}`);
    ownDepartmentOnly(c, actor, 'transfer');
    const reason = requireText('reason', input.reason, 'the reason');
    return change(
      c,
      actor,
      ctx,
      {
        type: 'transferred',
        message: `Transferred from ${c.department} to ${input.department}: ${reason}`,
        data: { from: c.department, to: input.department, reason, previousOwner: c.owner },
      },
      { status: 'routed', department: input.department, owner: null, collaborators: c.collaborators.filter((d) => d !== input.department) },
    );
  },

  escalate(c, actor, input, ctx) {
    if (input.key && hasJournalKey(c, input.key)) return NOOP; // a retried escalation
    const reason = requireText('reason', input.reason, 'the reason');
    const by = staffRef(actor);
    const e: CaseEscalation = { key: `manual@${ctx.now.toISOString()}`, kind: 'manual', at: ctx.now, level: 'supervisor', reason, by };
    return change(
      c,
      actor,
      ctx,
      {
        type: 'escalated',
        message: `Escalated to a supervisor by ${by.name}: ${reason}`,
        data: { kind: 'manual', level: 'supervisor', reason, ...(input.key ? { key: input.key } : {}) },
      },
      { escalated: true, escalations: [...c.escalations, e] },
    );
  },

  extend(c, actor, input, ctx) {
    if (input.key && hasJournalKey(c, input.key)) return NOOP; // a retried extension
    const reason = requireText('reason', input.reason, 'the reason');
    const from = c.deadlines.target.dueDate;
    const next = input.deadlines;
    return change(
      c,
      actor,
      ctx,
      {
        type: 'deadline_extended',
        message: `Target extended from ${from} to ${next.target.dueDate} (cap ${next.cap.dueDate}): ${reason}`,
        data: {
          from,
          to: next.target.dueDate,
          approvedBy: actor.kind === 'staff' ? (actor.email ?? actor.name) : undefined,
          ...(input.key ? { key: input.key } : {}),
          ...(input.key && input.request ? { request: input.request } : {}),
        },
      },
      { deadlines: next },
    );
  },

  report(c, actor, input, ctx) {
    ownerOrSupervisor(c, actor, 'report');
    const findings = requireText('findings', input.findings, 'the findings');
    const cause = requireText('cause', input.cause, 'the cause');
    const remedy = requireText('remedy', input.remedy, 'the remedy');
    const tellCustomer = input.tellCustomer?.trim();
    return change(
      c,
      actor,
      ctx,
      {
        type: 'resolution_reported',
        message: `Result reported to customer support. Findings: ${findings} Cause: ${cause} Remedy: ${remedy}${tellCustomer ? ` Tell the customer: ${tellCustomer}` : ''}`,
        data: { findings, cause, remedy, ...(tellCustomer ? { tellCustomer } : {}) },
      },
      {
        status: 'resolution_reported',
        report: { by: staffRef(actor), at: ctx.now, findings, cause, remedy, ...(tellCustomer ? { tellCustomer } : {}) },
      },
    );
  },

  draft(c, actor, input, ctx) {
    const text = requireText('text', input.text, 'the answer');
    const answerInWriting = c.answerInWriting || input.answerInWriting === true;
    const written = answerInWriting || ctx.settings.writtenChannels.includes(c.channel);
    const status: CaseStatus = written ? 'answer_pending_approval' : 'answer_ready';
    return change(
      c,
      actor,
      ctx,
      {
        type: 'answer_drafted',
        message: written ? 'Written answer drafted; it awaits a supervisor’s sign-off.' : 'Answer drafted; it may be delivered.',
        data: { text, written },
      },
      {
        status,
        answerInWriting,
        answer: { text, written, status: written ? 'pending_approval' : 'ready', draftedBy: staffRef(actor), draftedAt: ctx.now },
      },
    );
  },

  approve(c, actor, input, ctx) {
    if (!c.answer) throw refuse(c, 'approve', 'there is no draft to approve');
    // The letter is rendered before this command runs: it must be the letter of the draft being approved.
    if (input.letter?.draftedAt && new Date(input.letter.draftedAt).getTime() !== new Date(c.answer.draftedAt).getTime())
      throw refuse(c, 'approve', 'the draft changed while its letter was being rendered; approve again');
    const comment = input.comment?.trim();
    const by = staffRef(actor);
    return change(
      c,
      actor,
      ctx,
      {
        type: 'answer_approved',
        message: `Written answer signed off by ${by.name}${comment ? `: ${comment}` : ''}.${input.letter ? ` ${letterLine(input.letter)}` : ''}`,
        data: { ...(comment ? { comment } : {}), ...(input.letter ? { letterSha256: input.letter.sha256 } : {}) },
      },
      {
        status: 'answer_ready',
        answer: { ...c.answer, status: 'ready', approvedBy: by, approvedAt: ctx.now, ...(input.letter ? { letter: input.letter } : {}) },
      },
    );
  },

  return(c, actor, input, ctx) {
    if (!c.answer) throw refuse(c, 'return', 'there is no draft to return');
    const comment = requireText('comment', input.comment, 'a comment for the drafter');
    const by = staffRef(actor);
    return change(
      c,
      actor,
      ctx,
      { type: 'answer_returned', message: `Draft returned by ${by.name}: ${comment}`, data: { comment } },
      {
        status: 'resolution_reported',
        answer: { ...c.answer, status: 'returned', returnedBy: by, returnedAt: ctx.now, returnComment: comment },
      },
    );
  },

  deliver(c, actor, input, ctx) {
    const answer = c.answer;
    if (!answer) throw refuse(c, 'deliver', 'there is no answer to deliver');
    // Belt and braces: the state already says so, but a written answer never leaves unsigned.
    if ((answer.written || isWritten(c, ctx.settings)) && !answer.approvedAt)
      throw refuse(c, 'deliver', 'a written answer needs a supervisor’s sign-off first');
    const via = input.via?.trim() || c.channel;
    const note = input.note?.trim();
    // The case is answered at the request; the channel's progress is tracked in answer.delivery
    // (the `delivery` action), so a failed send is visible without un-answering the case.
    const deliveryVia: Channel = (CHANNELS as readonly string[]).includes(via) ? (via as Channel) : c.channel;
    const delivery: AnswerDelivery = { status: 'queued', via: deliveryVia, requestedAt: ctx.now, round: c.reopenCount, updatedAt: ctx.now };
    const letter = answer.letter ?? input.letter;
    return change(
      c,
      actor,
      ctx,
      {
        type: 'answer_delivered',
        message: `Answer issued; delivery to the customer via ${via} requested${note ? `: ${note}` : ''}.${!answer.letter && input.letter ? ` ${letterLine(input.letter)}` : ''}`,
        data: { via, ...(note ? { note } : {}), ...(letter ? { letterSha256: letter.sha256 } : {}) },
      },
      {
        status: 'answered',
        answeredAt: ctx.now,
        answer: {
          ...answer,
          status: 'delivered',
          deliveredBy: journalActor(actor),
          deliveredAt: ctx.now,
          deliveredVia: via,
          delivery,
          ...(letter ? { letter } : {}),
        },
      },
    );
  },

  resolve_on_contact(c, actor, input, ctx) {
    if (c.channel !== 'hotline' && c.channel !== 'livechat') {
      throw refuse(
        c,
        'resolve_on_contact',
        `only hotline and livechat cases are resolved during the contact; this one came by ${c.channel}`,
      );
    }
    const note = requireText('note', input.note, 'what was agreed with the customer');
    return change(
      c,
      actor,
      ctx,
      {
        type: 'resolved_on_contact',
        message: `Resolved during the contact with the customer’s agreement; no written answer required: ${note}`,
        data: { note },
      },
      { status: 'answered', answeredAt: ctx.now, resolvedOnContact: true },
    );
  },

  close(c, actor, input, ctx) {
    const category = requireText('rootCause', input.rootCause, 'the root-cause category');
    const lessonLearned = requireText('lessonLearned', input.lessonLearned, 'the lesson learned');
    if (typeof input.customerAccepted !== 'boolean')
      throw new CaseInputInvalid('customerAccepted', 'say whether the customer accepted the outcome');
    return change(
      c,
      actor,
      ctx,
      {
        type: 'closed',
        message: `Closed. Root cause: ${category}. Lesson learned: ${lessonLearned}. The customer ${input.customerAccepted ? 'accepted' : 'did not accept'} the outcome.`,
        data: { rootCause: category, lessonLearned, customerAccepted: input.customerAccepted },
      },
      {
        status: 'closed',
        closedAt: ctx.now,
        rootCause: { category, lessonLearned, customerAccepted: input.customerAccepted, by: staffRef(actor), at: ctx.now },
      },
    );
  },

  reopen(c, actor, input, ctx) {
    const reason = requireText('reason', input.reason, 'the customer’s reason');
    if (input.contact || (actor.kind === 'staff' && actor.role === 'hotline_operator')) checkContact(c, input.contact);
    const next = input.deadlines;
    return change(
      c,
      actor,
      ctx,
      {
        type: 'reopened',
        message: `Reopened${input.via ? ` via ${input.via}` : ''}: ${reason}. Back to customer support; new target ${next.target.dueDate}.`,
        // The earlier answer and root cause stay readable here: the case's own fields start afresh.
        data: {
          reason,
          ...(input.via ? { via: input.via } : {}),
          round: c.reopenCount + 1,
          previous: {
            status: c.status,
            answer: c.answer,
            rootCause: c.rootCause,
            deadlines: { target: c.deadlines.target, cap: c.deadlines.cap },
          },
          targetDueDate: next.target.dueDate,
        },
      },
      // A fresh target: no longer past a deadline (the escalations stay as history).
      { status: 'reopened', reopenCount: c.reopenCount + 1, deadlines: next, owner: null, escalated: false },
      { unset: ['answer', 'rootCause', 'report', 'closedAt', 'answeredAt'] },
    );
  },

  survey(c, actor, input, ctx) {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
      throw new CaseInputInvalid('rating', 'a whole number from 1 to 5');
    if (input.round !== undefined && input.round !== c.reopenCount)
      throw refuse(c, 'survey', 'this survey link is for an earlier closing; the case was reopened since');
    if (c.surveys.some((s) => s.afterReopen === c.reopenCount))
      throw refuse(c, 'survey', 'the survey for this closing was already answered');
    const comment = input.comment?.trim();
    const answeredBy = c.answer?.deliveredBy;
    return change(
      c,
      actor,
      ctx,
      {
        type: 'survey_answered',
        message: `Satisfaction survey: ${input.rating}/5${comment ? ` — ${comment}` : ''}.`,
        data: { rating: input.rating, ...(comment ? { comment } : {}), ...(answeredBy ? { answeredBy } : {}) },
      },
      {
        surveys: [
          ...c.surveys,
          {
            rating: input.rating,
            ...(comment ? { comment } : {}),
            at: ctx.now,
            ...(answeredBy ? { answeredBy } : {}),
            afterReopen: c.reopenCount,
          },
        ],
      },
    );
  },

  deadline_check(c, actor, input, ctx) {
    const key = `${input.kind}@${input.dueDate}`;
    if (c.escalations.some((e) => e.key === key)) return NOOP; // a retried check
    const rule = DEADLINE_RULES[input.kind];
    const raise = rule.priority && PRIORITY_RANK[rule.priority] > PRIORITY_RANK[c.priority] ? rule.priority : undefined;
    const e: CaseEscalation = { key, kind: input.kind, dueDate: input.dueDate, at: ctx.now, level: rule.level };
    return change(
      c,
      actor,
      ctx,
      { type: rule.type, message: rule.message(input.dueDate), data: { kind: input.kind, dueDate: input.dueDate, level: rule.level } },
      {
        escalations: [...c.escalations, e],
        ...(rule.level === 'supervisor' ? { escalated: true } : {}),
        ...(raise ? { priority: raise } : {}),
      },
    );
  },

  customer_message(c, actor, input, ctx) {
    if (hasJournalKey(c, input.key)) return NOOP;
    const n = input.attachments?.length ?? 0;
    const how = input.channel === 'email' ? 'by email' : input.channel === 'livechat' ? 'in the chat' : `via ${input.channel}`;
    if (input.senderAlert) return flaggedMessage(c, actor, input, ctx, how, n, input.senderAlert);
    return change(
      c,
      actor,
      ctx,
      {
        at: input.at,
        type: input.channel === 'email' ? 'customer_email' : 'customer_chat',
        message: `The customer wrote again ${how}${input.matchedBy ? ` (matched by ${input.matchedBy})` : ''}${n ? ` with ${n} attachment(s)` : ''}.`,
        data: { ...(input.data ?? {}), key: input.key },
      },
      {},
      { appendAttachments: input.attachments ?? [] },
    );
  },

  correspond(c, actor, input, ctx) {
    if (hasJournalKey(c, input.key)) return NOOP;
    // Correspondence is no way around sign-off: see reply-gate.ts.
    const withheld = replyWithholdsSignOff(c, isWritten(c, ctx.settings) || c.answer?.written === true, input.text ?? '');
    if (withheld) throw refuse(c, 'correspond', withheld);
    return change(c, actor, ctx, {
      type: 'email_reply_queued',
      message: `Email reply to ${input.to} queued for sending (correspondence, not the formal answer).`,
      data: { ...(input.data ?? {}), key: input.key },
    });
  },

  delivery(c, actor, input, ctx) {
    const answer = c.answer;
    const current = answer?.delivery;
    if (!answer || !current) throw refuse(c, 'delivery', 'no delivery of an answer was requested');
    if (hasJournalKey(c, input.key)) return NOOP;
    const byStaff = actor.kind === 'staff';
    if (byStaff !== (input.event === 'callback' || input.event === 'mailed'))
      throw new NotPermitted('delivery', `${actorLabel(actor)} may not record a delivery ${input.event}`);
    const next = (patch: Partial<AnswerDelivery>, type: string, message: string, data: Record<string, unknown> = {}) =>
      change(
        c,
        actor,
        ctx,
        { type, message, data: { ...(input.data ?? {}), ...data, key: input.key, via: current.via } },
        { answer: { ...answer, delivery: { ...current, ...patch, updatedAt: ctx.now } } },
      );
    switch (input.event) {
      case 'sent':
        return next(
          { status: 'sent', ...(input.to ? { to: input.to } : {}) },
          'answer_sent',
          current.via === 'email' || !input.to
            ? `Answer sent to the customer via ${current.via}${input.to ? ` (${input.to})` : ''}.`
            : `Answer posted via ${current.via}; email copy sent to ${input.to}.`,
          input.to ? { to: input.to } : {},
        );
      case 'task': {
        const status = current.via === 'hotline' ? 'awaiting_callback' : 'awaiting_mailing';
        return next(
          { status },
          'answer_delivery_task',
          status === 'awaiting_callback'
            ? 'Callback task created: an operator calls the customer with the answer.'
            : 'Signed letter queued for printing and posting.',
        );
      }
      case 'failed': {
        const reason = requireText('reason', input.reason, 'why the delivery failed');
        return next(
          { status: 'failed', reason },
          'answer_delivery_failed',
          `Delivery of the answer via ${current.via} failed for good (${reason}): a person must reach the customer.`,
          { reason },
        );
      }
      case 'callback': {
        if (current.via !== 'hotline' || current.status !== 'awaiting_callback')
          throw refuse(c, 'delivery', `no callback is pending (delivery via ${current.via}, ${current.status})`);
        if (!input.outcome) throw new CaseInputInvalid('outcome', 'reached or not_reached');
        const note = requireText('note', input.note, 'what was said on the call');
        const attempts = (current.callbackAttempts ?? 0) + 1;
        const reached = input.outcome === 'reached';
        return next(
          { status: reached ? 'done' : 'awaiting_callback', callbackAttempts: attempts, reason: note },
          'callback_outcome',
          reached
            ? `Customer called back and given the answer (attempt ${attempts}): ${note}`
            : `Callback attempt ${attempts}: customer not reached: ${note}`,
          { outcome: input.outcome, note, attempt: attempts },
        );
      }
      case 'mailed': {
        if (current.via !== 'postal' || current.status !== 'awaiting_mailing')
          throw refuse(c, 'delivery', `no letter is waiting to be posted (delivery via ${current.via}, ${current.status})`);
        const mailedOn = input.mailedOn?.trim();
        if (!mailedOn || !/^\d{4}-\d{2}-\d{2}$/.test(mailedOn)) throw new CaseInputInvalid('mailedOn', 'the mailing date, YYYY-MM-DD');
        return next({ status: 'done', mailedOn }, 'letter_mailed', `Signed letter posted to the customer on ${mailedOn}.`, { mailedOn });
      }
    }
  },

  mail_event(c, actor, input, ctx) {
    if (hasJournalKey(c, input.key)) return NOOP;
    const what =
      input.kind === 'receipt'
        ? 'Receipt (phiếu tiếp nhận)'
        : input.kind === 'reply'
          ? 'Written answer'
          : input.kind === 'survey'
            ? 'Satisfaction survey link'
            : 'Notice';
    const message =
      input.event === 'sent'
        ? `${what} sent by email to ${input.to}.`
        : input.event === 'suppressed'
          ? `The ${input.kind} to ${input.to} was not sent: ${input.reason ?? 'suppressed'}.`
          : input.event === 'failed'
            ? `Our ${input.kind} to ${input.to} could not be sent after every retry (${input.reason ?? 'delivery failed'}): a person must reach the customer or send it again.`
            : `Our ${input.kind} to ${input.to} bounced (${input.reason ?? 'delivery failed'}); the address is marked undeliverable. Reach the customer on another channel.`;
    return change(c, actor, ctx, {
      ...(input.at ? { at: input.at } : {}),
      type: `email_${input.event}`,
      message,
      data: { ...(input.data ?? {}), key: input.key },
    });
  },

  redeliver(c, actor, input, ctx) {
    const answer = c.answer;
    const current = answer?.delivery;
    if (!answer || !current) throw refuse(c, 'redeliver', 'no delivery of an answer was requested');
    if (current.status !== 'failed')
      throw refuse(c, 'redeliver', `only a failed delivery is requested again; this one is ${current.status}`);
    // The sign-off rule holds for every attempt.
    if ((answer.written || isWritten(c, ctx.settings)) && !answer.approvedAt)
      throw refuse(c, 'redeliver', 'a written answer needs a supervisor’s sign-off first');
    const via: Channel = input.via ?? current.via;
    if (via === 'postal' && !answer.letter) throw new CaseInputInvalid('via', 'there is no signed letter to post: choose another channel');
    const note = input.note?.trim();
    const attempt = (current.attempt ?? 0) + 1;
    const delivery: AnswerDelivery = { status: 'queued', via, requestedAt: ctx.now, round: current.round, attempt, updatedAt: ctx.now };
    return change(
      c,
      actor,
      ctx,
      {
        type: 'answer_redelivery_requested',
        message: `Delivery of the answer requested again via ${via} (attempt ${attempt + 1}; the last one failed: ${current.reason ?? 'unknown'})${note ? `: ${note}` : ''}.`,
        data: { via, attempt, previous: { via: current.via, reason: current.reason }, ...(note ? { note } : {}) },
      },
      { answer: { ...answer, delivery } },
    );
  },

  confirm_reply_address(c, actor, input, ctx) {
    const note = requireText('note', input.note, 'how the address was confirmed');
    const email = input.email?.trim().toLowerCase();
    if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new CaseInputInvalid('email', 'an email address');
    const previous = c.customer?.email;
    const by = staffRef(actor);
    const open = (c.senderAlerts ?? []).filter((a) => !a.reviewedAt).length;
    const alerts = (c.senderAlerts ?? []).map((a) => (a.reviewedAt ? a : { ...a, reviewedBy: by, reviewedAt: ctx.now }));
    const changed = email !== undefined && email !== previous?.toLowerCase();
    const what = changed
      ? `Replies now go to ${email} (was ${previous ?? 'none'}), confirmed by ${by.name}`
      : `Replies keep going to ${previous ?? 'no address'}`;
    return change(
      c,
      actor,
      ctx,
      {
        type: 'reply_address_confirmed',
        message: `${what}${open ? `; ${open} flagged email(s) reviewed` : ''}: ${note}`,
        data: { note, ...(changed ? { email, previous: previous ?? null } : {}), reviewedAlerts: open },
      },
      { ...(changed ? { customer: { ...c.customer, email } } : {}), ...(c.senderAlerts ? { senderAlerts: alerts } : {}) },
    );
  },
};

/**
 * A joined email that a person must look at: the message is journalled as usual, plus an
 * `email_sender_flagged` entry, and the alert is kept on the case until staff review it. Where
 * replies go does not change (the customer's address from intake; see confirm_reply_address).
 */
function flaggedMessage(
  c: CaseData,
  actor: CaseActor,
  input: CaseActionInputs['customer_message'],
  ctx: { now: Date },
  how: string,
  attachments: number,
  alert: NonNullable<CaseActionInputs['customer_message']['senderAlert']>,
): CaseChange {
  const joined = change(
    c,
    actor,
    ctx,
    {
      at: input.at,
      type: input.channel === 'email' ? 'customer_email' : 'customer_chat',
      message: `An email joined the case ${how}${input.matchedBy ? ` (matched by ${input.matchedBy})` : ''}${attachments ? ` with ${attachments} attachment(s)` : ''}; its sender is flagged for review.`,
      data: { ...(input.data ?? {}), key: input.key },
    },
    { senderAlerts: [...(c.senderAlerts ?? []), { ...alert, key: input.key, at: ctx.now }] },
    { appendAttachments: input.attachments ?? [] },
  );
  const auth = alert.authentication;
  const why = alert.reasons
    .map((r) =>
      r === 'sender_not_customer'
        ? `the sender ${alert.from} is not the case’s customer (${c.customer?.email ?? 'no address on the case'})`
        : `it failed authentication (SPF ${auth?.spf ?? 'unknown'}, DKIM ${auth?.dkim ?? 'unknown'}, DMARC ${auth?.dmarc ?? 'unknown'})`,
    )
    .join('; ');
  joined.journal.push({
    at: ctx.now,
    actor: SYSTEM,
    type: 'email_sender_flagged',
    message: `Check this email before trusting it: ${why}. Replies still go to ${c.customer?.email ?? 'no address'}; a staff member confirms any change.`,
    data: {
      key: `${input.key}:flag`,
      from: alert.from,
      reasons: alert.reasons,
      ...(alert.replyTo ? { replyTo: alert.replyTo } : {}),
      ...(auth ? { authentication: auth } : {}),
    },
  });
  return joined;
}

function letterLine(letter: AnswerLetterRef): string {
  return `Letter rendered and signed (${letter.certificate === 'company' ? 'company certificate' : 'DEVELOPMENT certificate, not valid for customers'}; SHA-256 ${letter.sha256.slice(0, 16)}…).`;
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

// ─── Merge (two cases) ──────────────────────────────────────────────────────────────────────

export interface MergeInput {
  /** The case the duplicate joins (the survivor). */
  into: string;
  reason?: string;
}

/** What a merge writes: one change per case (the lifecycle writes the survivor first, then the duplicate). */
export interface MergeDecision {
  noop: boolean;
  survivor: CaseChange;
  duplicate: CaseChange;
  /** The survivor takes the duplicate's earlier deadlines (its complaint was received first): re-plan its checks. */
  deadlinesChanged: boolean;
}

/** The key under which an entry of `duplicate` is copied into the survivor (the journal is append-only, so its index is stable). */
function mergeCopyKey(duplicate: string, index: number): string {
  return `merge:${duplicate}#${index}`;
}

/**
 * `merge`: the duplicate (the same customer complaining on a second channel) joins the survivor.
 * The survivor gets one `merged_from` entry, a `merged_entry` copy of every entry of the
 * duplicate's journal (original time, actor and message; `data.mergedFrom` names the duplicate,
 * `data.originalType` the entry's type, so reports that count entry types do not count them twice),
 * the duplicate's attachments (referenced, not copied), its department and collaborators as
 * collaborators (the people working on it keep seeing the case), the higher priority and, when
 * the duplicate was received first, its deadlines. The duplicate becomes `merged`, points to the
 * survivor and leaves every queue (it is no longer open: no deadline checks, no owner).
 *
 * Idempotent and restartable: copies are keyed by (duplicate, index) and the summary by the
 * duplicate, so a merge interrupted after the survivor's write copies only what is missing when run again.
 */
export function decideMerge(
  duplicate: CaseData,
  survivor: CaseData,
  actor: CaseActor,
  input: MergeInput,
  ctx: DecideContext,
): MergeDecision {
  if (!mayFire(actor, 'merge')) throw new NotPermitted('merge', `${actorLabel(actor)} may not merge cases`);
  if (!isVisibleTo(actor, duplicate)) throw new CaseNotFound(duplicate.caseNumber);
  if (!isVisibleTo(actor, survivor)) throw new CaseInputInvalid('into', `no case ${survivor.caseNumber}`);
  if (duplicate.caseNumber === survivor.caseNumber) throw new CaseInputInvalid('into', 'a case cannot be merged into itself');
  const B = duplicate.caseNumber;
  const A = survivor.caseNumber;
  if (duplicate.status === 'merged' && duplicate.mergedInto === A)
    return { noop: true, survivor: NOOP, duplicate: NOOP, deadlinesChanged: false }; // the same merge again
  if (!CASE_TRANSITIONS.merge.from.includes(duplicate.status)) {
    throw refuse(
      duplicate,
      'merge',
      duplicate.status === 'merged'
        ? `case ${B} was already merged into ${duplicate.mergedInto ?? 'another case'}`
        : `case ${B} is ${duplicate.status}: only a case not yet answered (and with no answer drafted) can be merged into another`,
    );
  }
  if (!MERGE_SURVIVOR_STATES.includes(survivor.status)) {
    throw new TransitionRefused(
      A,
      survivor.status,
      'merge',
      allowedActions(survivor.status),
      `case ${A} is ${survivor.status}: a duplicate can only join an open case${survivor.mergedInto ? ` (it was merged into ${survivor.mergedInto})` : ''}`,
    );
  }
  if (differentCustomers(duplicate.customer, survivor.customer)) {
    throw new CaseInputInvalid('into', `case ${A} is another customer’s (no email, phone or customer id in common with ${B})`);
  }
  const reason = input.reason?.trim();
  const by = journalActor(actor);

  // The survivor: what is not there yet (a merge interrupted after this write is run again).
  const copied = new Set(
    (survivor.journal ?? []).map((j) => (j.data as { mergeKey?: unknown } | undefined)?.mergeKey).filter((k) => typeof k === 'string'),
  );
  const summaryKey = `merge:${B}`;
  const survivorJournal: JournalEntry[] = [];
  const joinedEntries = duplicate.journal ?? [];
  const knownAttachments = new Set((survivor.attachments ?? []).map((a) => a.id));
  const newAttachments = (duplicate.attachments ?? []).filter((a) => !knownAttachments.has(a.id));
  if (!copied.has(summaryKey)) {
    survivorJournal.push({
      at: ctx.now,
      actor: by,
      type: 'merged_from',
      message: `Case ${B} (${duplicate.channel}, received ${new Date(duplicate.receivedAt).toISOString().slice(0, 10)}) merged into this case as a duplicate${reason ? `: ${reason}` : ''}. Its ${joinedEntries.length} journal entries and ${duplicate.attachments?.length ?? 0} attachment(s) joined this case.`,
      data: { mergeKey: summaryKey, mergedFrom: B, channel: duplicate.channel, ...(reason ? { reason } : {}) },
    });
  }
  joinedEntries.forEach((j, i) => {
    const key = mergeCopyKey(B, i);
    if (copied.has(key)) return;
    survivorJournal.push({
      at: j.at,
      actor: j.actor,
      type: 'merged_entry',
      message: `[${B}] ${j.message}`,
      data: { ...(j.data ?? {}), mergeKey: key, mergedFrom: B, originalType: j.type, ...(j.id ? { originalId: j.id } : {}) },
    });
  });
  const mergedFrom = survivor.mergedFrom ?? [];
  const wantCollaborators = [duplicate.department, ...(duplicate.collaborators ?? [])].filter(
    (d) => d !== TRIAGE && d !== survivor.department && !survivor.collaborators.includes(d),
  );
  const earlier =
    duplicate.deadlines?.target &&
    survivor.deadlines?.target &&
    new Date(duplicate.deadlines.target.dueAt) < new Date(survivor.deadlines.target.dueAt);
  const priority = PRIORITY_RANK[duplicate.priority] > PRIORITY_RANK[survivor.priority] ? duplicate.priority : undefined;
  const survivorSet: Partial<CaseData> = {
    ...(mergedFrom.includes(B) ? {} : { mergedFrom: [...mergedFrom, B] }),
    ...(wantCollaborators.length ? { collaborators: [...survivor.collaborators, ...new Set(wantCollaborators)] } : {}),
    ...(priority ? { priority } : {}),
    ...(duplicate.escalated && !survivor.escalated ? { escalated: true } : {}),
    ...(earlier ? { deadlines: duplicate.deadlines } : {}),
  };
  const survivorChange: CaseChange =
    survivorJournal.length === 0 && Object.keys(survivorSet).length === 0 && newAttachments.length === 0
      ? NOOP
      : { noop: false, set: survivorSet, unset: [], journal: survivorJournal, appendAttachments: newAttachments };

  const duplicateChange: CaseChange = {
    noop: false,
    set: { status: 'merged', mergedInto: A, owner: null },
    unset: [],
    appendAttachments: [],
    journal: [
      {
        at: ctx.now,
        actor: by,
        type: 'merged_into',
        message: `Merged into ${A} as a duplicate${reason ? `: ${reason}` : ''}; the case continues there (its journal and attachments were copied).`,
        data: { mergedInto: A, previousStatus: duplicate.status, previousOwner: duplicate.owner, ...(reason ? { reason } : {}) },
      },
    ],
  };
  return { noop: false, survivor: survivorChange, duplicate: duplicateChange, deadlinesChanged: Boolean(earlier) };
}

/**
 * Two cases are another customer's when a contact detail both give differs and none both give
 * matches. A hotline case with only a phone and an email case with only an address share no
 * field: the agent confirmed them with the customer, so they may be merged.
 */
function differentCustomers(a: IntakeEnvelope['customer'] | undefined, b: IntakeEnvelope['customer'] | undefined): boolean {
  const phone = (p: string | undefined) => (p ?? '').replace(/\D/g, '').replace(/^84/, '0');
  const pairs: Array<[string, string]> = [
    [(a?.email ?? '').trim().toLowerCase(), (b?.email ?? '').trim().toLowerCase()],
    [phone(a?.phone), phone(b?.phone)],
    [(a?.customerId ?? '').trim(), (b?.customerId ?? '').trim()],
  ];
  const compared = pairs.filter(([x, y]) => x !== '' && y !== '');
  return compared.length > 0 && compared.every(([x, y]) => x !== y);
}
