import type { IntakeEnvelope } from '@cg/contracts';
import type { CaseDeadlines } from '../deadlines/case-deadlines';
import { caseListKeys, newCaseDefaults, type CaseData } from '../case-lifecycle/case-data';
import { caseReportFacts } from '../reports/report-facts';
import { decideReceipt, type ReceiptClassification } from '../case-lifecycle/case-state-machine';

/** What the classifier decided for one complaint. */
export type CaseClassification = ReceiptClassification;

export type { JournalEntry } from '../case-lifecycle/case-data';

/** The fields of a new case: the whole case, as it is inserted. */
export type NewCaseFields = CaseData;

/**
 * The whole first life of a case, decided before it is written (the state machine's `receive`):
 * received, classified, routed (or sent to triage), and closed at once when it was resolved on
 * first contact. Written in a single insert, so a case is never seen half-routed.
 */
export function buildCaseFromEnvelope(
  envelope: IntakeEnvelope,
  classification: CaseClassification,
  deadlines: CaseDeadlines,
  searchText: string,
  now: Date,
): CaseData {
  const receipt = decideReceipt(envelope, classification, deadlines, now);
  const { priority, urgencyFlags: _flags, ...classificationFields } = classification;
  const recorder = envelope.recordedBy;
  const doc: CaseData = {
    caseNumber: envelope.caseNumber,
    channel: envelope.channel,
    idempotencyKey: envelope.idempotencyKey,
    status: receipt.status,
    department: receipt.department,
    priority,
    customer: envelope.customer,
    ...(envelope.subject !== undefined ? { subject: envelope.subject } : {}),
    bodyText: envelope.bodyText,
    ...(envelope.safeHtml !== undefined ? { safeHtml: envelope.safeHtml } : {}),
    attachments: envelope.attachments,
    receivedAt: new Date(envelope.receivedAt),
    rawRef: envelope.rawRef,
    ...(recorder ? { recordedBy: recorder } : {}),
    resolvedOnContact: envelope.resolvedOnContact,
    classification: { ...classificationFields, classifiedAt: now },
    deadlines,
    searchText,
    journal: receipt.journal,
    ...newCaseDefaults(),
    ...(receipt.closedAt ? { closedAt: receipt.closedAt, answeredAt: receipt.closedAt } : {}),
  };
  // The list keys are derived from the fields above, like on every later write (CaseLifecycle).
  return { ...doc, ...caseListKeys(doc), ...caseReportFacts(doc) };
}
