import { TRIAGE, type CaseStatus, type IntakeEnvelope, type Priority } from '@cg/contracts';
import type { CaseDeadlines } from '../deadlines/case-deadlines';

/** What the classifier decided for one complaint. */
export interface CaseClassification {
  /** A department code, or `triage` when the classifier abstained. */
  department: string;
  /** The most likely department even when abstaining: what a triage agent is offered first. */
  bestGuess: string;
  confidence: number;
  runnerUp?: { department: string; confidence: number };
  abstained: boolean;
  method: 'rules' | 'model';
  /** Human-readable reasons: matched phrases, top features. */
  evidence: string[];
  priority: Priority;
  urgencyFlags: string[];
}

export interface JournalEntry {
  at: Date;
  type: string;
  actor: { kind: 'system' | 'staff' | 'customer'; id?: string; name?: string; role?: string };
  message: string;
  data?: Record<string, unknown>;
}

export interface NewCaseFields {
  caseNumber: string;
  channel: IntakeEnvelope['channel'];
  idempotencyKey: string;
  status: CaseStatus;
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
  classification: Omit<CaseClassification, 'priority' | 'urgencyFlags'> & { classifiedAt: Date };
  deadlines: CaseDeadlines;
  searchText: string;
  journal: JournalEntry[];
  closedAt?: Date;
}

const SYSTEM = { kind: 'system' } as const;

/**
 * The whole first life of a case, decided before it is written: received, classified,
 * routed (or sent to triage), and closed at once when it was resolved on first contact.
 * Written in a single insert, so a case is never seen half-routed.
 */
export function buildCaseFromEnvelope(
  envelope: IntakeEnvelope,
  classification: CaseClassification,
  deadlines: CaseDeadlines,
  searchText: string,
  now: Date,
): NewCaseFields {
  const receivedAt = new Date(envelope.receivedAt);
  const inTriage = classification.abstained || classification.department === TRIAGE;
  const queue = inTriage ? TRIAGE : classification.department;
  const recorder = envelope.recordedBy;
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
      message: inTriage
        ? `Classifier not confident (best guess ${classification.bestGuess} at ${pct(classification.confidence)}): manual triage needed.`
        : `Classified as ${classification.department} (${pct(classification.confidence)}, by ${classification.method}).`,
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
  let status: CaseStatus = inTriage ? 'triage' : 'routed';
  let closedAt: Date | undefined;
  if (envelope.resolvedOnContact) {
    status = 'closed';
    closedAt = now;
    journal.push({
      at: now,
      type: 'resolved_on_contact',
      actor: recorder ? { kind: 'staff', id: recorder.staffId, role: recorder.role } : SYSTEM,
      message: 'Resolved during the first contact; no written answer required. Case closed.',
    });
  }

  const { priority, urgencyFlags, ...classificationFields } = classification;
  if (urgencyFlags.length > 0) {
    journal[1]!.message += ` Urgency: ${urgencyFlags.join(', ')} → priority ${priority}.`;
  }
  return {
    caseNumber: envelope.caseNumber,
    channel: envelope.channel,
    idempotencyKey: envelope.idempotencyKey,
    status,
    department: queue,
    priority,
    customer: envelope.customer,
    ...(envelope.subject !== undefined ? { subject: envelope.subject } : {}),
    bodyText: envelope.bodyText,
    ...(envelope.safeHtml !== undefined ? { safeHtml: envelope.safeHtml } : {}),
    attachments: envelope.attachments,
    receivedAt,
    rawRef: envelope.rawRef,
    ...(recorder ? { recordedBy: recorder } : {}),
    resolvedOnContact: envelope.resolvedOnContact,
    classification: { ...classificationFields, classifiedAt: now },
    deadlines,
    searchText,
    journal,
    ...(closedAt ? { closedAt } : {}),
  };
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
