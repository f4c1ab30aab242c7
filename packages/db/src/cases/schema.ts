import { Schema } from 'mongoose';
import { CASE_STATUSES, CHANNELS, PRIORITIES, STAFF_ROLES } from '@cg/contracts';

/*
 * The stored form of @cg/core's CaseData (packages/core/src/case-lifecycle/case-data.ts), the one
 * definition of a case's shape: the repository's records are typed by it, not by this schema.
 */

const actorSchema = new Schema(
  {
    kind: { type: String, enum: ['system', 'staff', 'customer'], required: true },
    id: String,
    name: String,
    role: { type: String, enum: STAFF_ROLES },
  },
  { _id: false },
);

/** One line of the handling journal (nhật ký xử lý). Append-only. */
const journalEntrySchema = new Schema(
  {
    id: String, // written by the CaseLifecycle; it checks its entries survived the write
    at: { type: Date, required: true },
    type: { type: String, required: true }, // received, classified, routed, resolved_on_contact, …
    actor: { type: actorSchema, required: true },
    message: { type: String, required: true },
    data: { type: Schema.Types.Mixed },
  },
  { _id: false },
);

const deadlineSchema = new Schema(
  {
    dueAt: { type: Date, required: true }, // 24:00 Asia/Ho_Chi_Minh of dueDate
    dueDate: { type: String, required: true }, // YYYY-MM-DD in Asia/Ho_Chi_Minh
    workingDays: Number, // target: working days counted
    length: Number, // cap: its length …
    unit: String, // … and unit (working_days | calendar_days)
  },
  { _id: false },
);

/** A deadline check that found the case open, or a person's escalation to a supervisor. */
const escalationSchema = new Schema(
  {
    key: { type: String, required: true }, // kind@dueDate: one record per check; manual@<time> for people
    kind: { type: String, required: true }, // target_due_soon | target_breached | cap_breached | manual
    dueDate: String,
    at: { type: Date, required: true },
    level: { type: String, required: true }, // department | supervisor
    reason: String,
    by: { type: Schema.Types.Mixed },
  },
  { _id: false },
);

const staffRefSchema = new Schema({ id: { type: String, required: true }, name: String, role: String }, { _id: false });

export const caseSchema = new Schema(
  {
    caseNumber: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    idempotencyKey: { type: String, required: true },
    status: { type: String, enum: CASE_STATUSES, required: true },
    /** The queue the case sits in: a department code or `triage`. */
    department: { type: String, required: true },
    priority: { type: String, enum: PRIORITIES, required: true },
    customer: {
      name: String,
      phone: String,
      email: String,
      customerId: String,
    },
    subject: String,
    bodyText: { type: String, required: true },
    safeHtml: String,
    attachments: [
      {
        _id: false,
        id: String,
        fileName: String,
        contentType: String,
        size: Number,
        sha256: String,
      },
    ],
    receivedAt: { type: Date, required: true },
    rawRef: { type: String, required: true },
    recordedBy: { staffId: String, role: { type: String, enum: STAFF_ROLES }, name: String },
    resolvedOnContact: { type: Boolean, required: true },
    classification: {
      department: String,
      bestGuess: String,
      confidence: Number,
      runnerUp: { department: String, confidence: Number },
      abstained: Boolean,
      method: { type: String, enum: ['rules', 'model', 'manual'] },
      evidence: [String],
      classifiedAt: Date,
    },
    deadlines: {
      target: deadlineSchema,
      cap: deadlineSchema,
      policy: { targetWorkingDays: Number, capLength: Number, capUnit: String },
      /** Which days were skipped and why (weekends, holidays, official days off). */
      explanation: { type: Schema.Types.Mixed },
      /** Supervisor-approved extensions of the target, oldest first. */
      extensions: { type: [Schema.Types.Mixed], default: [] },
    },
    /** Optimistic concurrency: every CaseLifecycle write conditions on it and increments it. */
    version: { type: Number, default: 0 },
    /** Supervisors' attention: set when a deadline check finds the case open past its target, or a person escalates. */
    escalated: { type: Boolean, default: false },
    escalations: { type: [escalationSchema], default: [] },
    /** The department member working the case (claimed or assigned); null while it waits in the queue. */
    owner: { type: staffRefSchema, default: null },
    /** Other departments brought in (the case is visible to them). */
    collaborators: { type: [String], default: [] },
    answerInWriting: { type: Boolean, default: false },
    verification: { type: Schema.Types.Mixed },
    report: { type: Schema.Types.Mixed },
    /** The answer: draft, sign-off (written answers), delivery. */
    answer: { type: Schema.Types.Mixed },
    rootCause: { type: Schema.Types.Mixed },
    reopenCount: { type: Number, default: 0 },
    surveys: { type: [Schema.Types.Mixed], default: [] },
    /** Joined emails flagged for a person (sender not the customer, failed authentication): @cg/core SenderAlert. */
    senderAlerts: { type: [Schema.Types.Mixed], default: undefined },
    /** Folded (no diacritics, lowercase) text for `q` searches; FerretDB has no text indexes. */
    searchText: { type: String, required: true },
    /** Derived by @cg/core's caseListKeys on every write: `owner:<id>` / `none` while open, `done` after. */
    openOwnerKey: String,
    /** The folded words of searchText (caseListKeys): the search's inverted index, matched by equality. */
    searchTerms: { type: [String], default: undefined },
    /** ISO week of receipt in Vietnam (caseListKeys), grouped by the reports. */
    receivedWeek: String,
    /** The reports' facts (@cg/core caseReportFacts), set by every write: top-level so a report reads them alone. */
    targetDueAt: Date,
    capDueAt: Date,
    firstAnsweredAt: Date,
    answeredWithinTarget: Boolean,
    answeredWithinCap: Boolean,
    rootCauseCategory: String,
    surveyRatings: { type: [Number], default: undefined },
    journal: { type: [journalEntrySchema], default: [] },
    answeredAt: Date,
    closedAt: Date,
    /** A merged duplicate: the case it joined (the mail threading follows it). */
    mergedInto: String,
    /** The duplicates merged into this case. */
    mergedFrom: { type: [String], default: undefined },
  },
  { timestamps: true, collection: 'cases', minimize: false },
);

// The idempotency guard: one case per (channel, idempotency key), whatever the queue does.
caseSchema.index({ channel: 1, idempotencyKey: 1 }, { unique: true });
// GET /cases/:caseNumber.
caseSchema.index({ caseNumber: 1 }, { unique: true });
// A department's queue: open cases of one department, most urgent deadline first.
caseSchema.index({ department: 1, status: 1, 'deadlines.target.dueAt': 1 });
// Listing by status or channel, newest first.
caseSchema.index({ status: 1, receivedAt: -1 });
caseSchema.index({ channel: 1, receivedAt: -1 });
caseSchema.index({ receivedAt: -1 });
// The supervisors' list: escalated cases still open.
caseSchema.index({ escalated: 1, status: 1 });
// Cases a department collaborates on.
caseSchema.index({ collaborators: 1 });
// The cases a hotline operator or postal clerk recorded (their list without cases:list), newest first.
caseSchema.index({ 'recordedBy.staffId': 1, receivedAt: -1 });
// Keyset pages (MongoDB; FerretDB v1 pushes the equality down and sorts the rest in Go): my cases
// and the unclaimed queue, most urgent first, and the search's inverted index.
caseSchema.index({ openOwnerKey: 1, 'deadlines.target.dueAt': 1, _id: 1 });
caseSchema.index({ searchTerms: 1 });
// The reports: the cases of one ISO week of receipt (an equality FerretDB v1 pushes down; one query per week).
caseSchema.index({ receivedWeek: 1 });
