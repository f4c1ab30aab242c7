/** Values shared by every process: channels, staff roles, departments, case states. */

export const CHANNELS = ['hotline', 'email', 'livechat', 'postal'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STAFF_ROLES = ['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** The reference customer's departments: the default configuration. */
export const DEFAULT_DEPARTMENTS = ['domain', 'hosting', 'email', 'billing', 'technical', 'sales', 'customer_care'] as const;

/** The queue for cases the classifier was not sure about; a customer-support agent decides. */
export const TRIAGE = 'triage';

/** A department code: lowercase identifier (admins may add departments beyond the defaults). */
export const DEPARTMENT_CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

/**
 * The states of a case (the state machine is packages/core/src/case-lifecycle/case-state-machine.ts).
 * Deadline checks run on every open state; `answered` and `closed` stop them.
 */
export const CASE_STATUSES = [
  'triage', // waiting for a customer-support agent to classify it
  'routed', // in a department's queue, not yet claimed
  'in_progress', // claimed by (or assigned to) one member of the department
  'resolution_reported', // the department reported findings, cause and remedy to customer support
  'answer_pending_approval', // a written answer awaits a supervisor's sign-off
  'answer_ready', // the answer may be delivered (approved, or no approval needed)
  'answered', // the customer has been answered (or the case was resolved during the contact)
  'closed', // root cause and lesson recorded
  'reopened', // the customer came back: customer support decides what happens next (new target deadline)
  'merged', // a duplicate joined to another case (`mergedInto`): its journal lives on there; it leaves every queue
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Cases still being worked on: deadline checks and escalations apply only to these. */
export const OPEN_STATUSES: readonly CaseStatus[] = CASE_STATUSES.filter((s) => s !== 'answered' && s !== 'closed' && s !== 'merged');

/** Everything that can happen to a case; each one writes the handling journal. */
export const CASE_ACTIONS = [
  'receive',
  'verify',
  'reclassify',
  'claim',
  'release',
  'assign',
  'note',
  'collaborate',
  'transfer',
  'escalate',
  'extend',
  'report',
  'draft',
  'approve',
  'return',
  'deliver',
  'resolve_on_contact',
  'close',
  'reopen',
  'survey',
  /** System: a deadline check found the case open (reminder, breach, cap). */
  'deadline_check',
  /** A customer's email or chat message joined to the case. */
  'customer_message',
  /** Staff wrote to the customer by email (not the formal answer). */
  'correspond',
  /** System: what happened to an email of the case (sent, suppressed, bounced). */
  'mail_event',
  /**
   * What happened to the delivered answer on its channel: sent (email, chat), failed for good
   * (a person must handle it), the operator's callback outcome, the letter's mailing date.
   */
  'delivery',
  /** Step 2: a duplicate (the same customer on two channels) joins the surviving case; fired on both. */
  'merge',
  /** A delivery that failed for good, requested again by a person (a new attempt of the same round). */
  'redeliver',
  /**
   * A staff member confirms where replies go: the customer's address stays, or becomes one they
   * confirmed. A joined email from another sender, or failing authentication, only flags the case.
   */
  'confirm_reply_address',
] as const;

/** The answer's delivery on its channel, tracked after `deliver` (the case is `answered` from the request). */
export const ANSWER_DELIVERY_STATUSES = ['queued', 'sent', 'awaiting_callback', 'awaiting_mailing', 'done', 'failed'] as const;
export type AnswerDeliveryStatus = (typeof ANSWER_DELIVERY_STATUSES)[number];

/** What a hotline operator's callback to deliver the answer came to. */
export const CALLBACK_OUTCOMES = ['reached', 'not_reached'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** How customer support confirmed the complaint with the customer (step 2). */
export const VERIFICATION_METHODS = ['call', 'email', 'chat', 'letter', 'in_person'] as const;
export type VerificationMethod = (typeof VERIFICATION_METHODS)[number];

/** Channels whose complaints get a written answer signed off by a supervisor, by default. */
export const DEFAULT_WRITTEN_CHANNELS: readonly Channel[] = ['postal', 'email'];

/** Root-cause categories a case is closed with (the seed of the list admins manage). */
export const DEFAULT_ROOT_CAUSES = [
  'registry_or_provider',
  'our_system_fault',
  'billing_error',
  'staff_error',
  'customer_misunderstanding',
  'third_party',
  'not_a_fault',
] as const;

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
