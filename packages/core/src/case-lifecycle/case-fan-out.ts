import type { CaseAction, CaseChangedEvent, WebhookEvent } from '@cg/contracts';
import { caseWebhookEvents } from '../webhooks/case-webhook-events';
import { enteredDepartmentQueue } from './case-assignment';
import type { CaseData, CaseView } from './case-data';
import { caseChangedEvent } from './case-events';

export interface CaseChangeListeners {
  /** The staff consoles on every gateway node (live updates). */
  caseEvents: { publish(event: CaseChangedEvent): void };
  /** The admins' webhook endpoints (a durable hand-off that skips events no enabled endpoint takes). */
  webhookEvents: { publish(events: readonly WebhookEvent[]): void };
  /** Automatic fair assignment: one job per case that enters the queue of a department where it is on. */
  autoAssign: { request(caseNumber: string, version: number): Promise<void> };
  /** Whether the department assigns automatically (a per-process cached read: CachedDepartmentSettings). */
  autoAssignOn(department: string): Promise<boolean>;
  onAutoAssignNotQueued(caseNumber: string, err: Error): void;
}

/**
 * What every committed change sets off, the same in the gateway and the worker (the
 * CaseLifecycle's `onCommitted`): the case event, the webhook events, and an auto-assign job when
 * the case entered the queue of a department that assigns automatically (asked here, not in the
 * job, so a department without it costs no job; the job checks again when it runs).
 */
export function fanOutCaseChanges(l: CaseChangeListeners) {
  return (change: { action: CaseAction; before: CaseData | null; after: CaseView }): void => {
    const at = new Date();
    l.caseEvents.publish(caseChangedEvent(change, at));
    l.webhookEvents.publish(caseWebhookEvents(change, at));
    if (!enteredDepartmentQueue(change)) return;
    const { caseNumber, version, department } = change.after;
    void l
      .autoAssignOn(department)
      .then((on) => (on ? l.autoAssign.request(caseNumber, version) : undefined))
      .catch((err: Error) => l.onAutoAssignNotQueued(caseNumber, err));
  };
}
