import type { CaseAction, WebhookCaseSummary, WebhookEvent, WebhookEventType } from '@cg/contracts';
import type { CaseData, CaseView } from '../case-lifecycle/case-data';

/** The fields of a case a webhook may show: summary only (no journal, notes, body text or contact details). */
export function webhookCaseSummary(c: CaseView): WebhookCaseSummary {
  return {
    caseNumber: c.caseNumber,
    channel: c.channel,
    status: c.status,
    department: c.department,
    priority: c.priority,
    ...(c.subject ? { subject: c.subject } : {}),
    ...(c.customer?.customerId ? { customerId: c.customer.customerId } : {}),
    receivedAt: new Date(c.receivedAt).toISOString(),
    ...(c.deadlines?.target?.dueDate ? { targetDueDate: c.deadlines.target.dueDate } : {}),
    ...(c.deadlines?.cap?.dueDate ? { capDueDate: c.deadlines.cap.dueDate } : {}),
    escalated: c.escalated ?? false,
    reopenCount: c.reopenCount ?? 0,
    ...(c.answeredAt ? { answeredAt: new Date(c.answeredAt).toISOString() } : {}),
    ...(c.closedAt ? { closedAt: new Date(c.closedAt).toISOString() } : {}),
    version: c.version ?? 0,
  };
}

/**
 * The webhook events of one committed change of a case (CaseLifecycle `onCommitted`), decided
 * from the case before and after rather than from the action's name, so every path into a state
 * counts (a case classified at intake is received and routed at once; a triage case is routed
 * when customer support verifies or reclassifies it; a transfer routes it again; a deadline
 * breach escalates it like a person does). The id is stable per (case, version, type): the same
 * change reported twice is one event (the queue's jobId and the deliveries' unique key dedupe it).
 */
export function caseWebhookEvents(change: { action: CaseAction; before: CaseData | null; after: CaseView }, at: Date): WebhookEvent[] {
  const { action, before, after } = change;
  const types: WebhookEventType[] = [];
  if (!before) types.push('case.received');
  const statusBecame = (s: CaseData['status']) => after.status === s && before?.status !== s;
  if (after.status === 'routed' && (!before || before.status !== 'routed' || before.department !== after.department))
    types.push('case.routed');
  if (after.escalated && before && !before.escalated) types.push('case.escalated');
  if (before && statusBecame('answered')) types.push('case.answered');
  if (before && statusBecame('closed')) types.push('case.closed');
  if (before && statusBecame('reopened')) types.push('case.reopened');
  const summary = webhookCaseSummary(after);
  return types.map((type) => ({
    id: `${after.caseNumber}.${summary.version}.${type.slice('case.'.length)}`,
    type,
    occurredAt: at.toISOString(),
    action,
    case: summary,
    ...(before ? { previous: { status: before.status, department: before.department } } : {}),
  }));
}
