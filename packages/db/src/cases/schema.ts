import { Schema, type InferSchemaType } from 'mongoose';
import { CASE_STATUSES, CHANNELS, PRIORITIES, STAFF_ROLES } from '@cg/contracts';

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
    dueAt: { type: Date, required: true },
    dueDate: { type: String, required: true }, // YYYY-MM-DD in Asia/Ho_Chi_Minh
  },
  { _id: false },
);

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
      policy: String,
    },
    /** Folded (no diacritics, lowercase) text for `q` searches; FerretDB has no text indexes. */
    searchText: { type: String, required: true },
    journal: { type: [journalEntrySchema], default: [] },
    closedAt: Date,
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

export type CaseDocument = InferSchemaType<typeof caseSchema>;
