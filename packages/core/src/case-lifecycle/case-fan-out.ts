import type { CaseAction, CaseChangedEvent, WebhookEvent } from '@cg/contracts';
import { caseWebhookEvents } from '../webhooks/case-webhook-events';
import { enteredDepartmentQueue } from './case-assignment';
import type { CaseData, CaseView } from './case-data';
import { caseChangedEvent } from './case-events';
import type { CaseLifecycleDeps } from './case-lifecycle';

/** What the hooks log to (a pino logger). */
export interface CaseHooksLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface CaseChangeListeners {
  /** The staff consoles on every gateway node (live updates). */
  caseEvents: { publish(event: CaseChangedEvent): void };
  /** The admins' webhook endpoints (a durable hand-off that skips events no enabled endpoint takes). */
  webhookEvents: { publish(events: readonly WebhookEvent[]): void };
  /** Automatic fair assignment: one job per case that enters the queue of a department where it is on. */
  autoAssign: { request(caseNumber: string, version: number): Promise<void> };
  /** Whether a department assigns automatically (a per-process cached read: CachedDepartmentSettings). */
  departmentSettings: { settingsOf(department: string): Promise<{ autoAssign: boolean }> };
  log: CaseHooksLog;
}

/**
 * The CaseLifecycle's hooks, the same in the gateway and the worker. After every committed change:
 * the case event, the webhook events, and an auto-assign job when the case entered the queue of a
 * department that assigns automatically (asked here, not in the job, so a department without it
 * costs no job; the job checks again when it runs). A list row or a report total not written after
 * its case is logged with the command that repairs it.
 */
export function caseLifecycleHooks(
  l: CaseChangeListeners,
): Required<Pick<CaseLifecycleDeps, 'onCommitted' | 'onIndexWriteFailed' | 'onReportTotalsWriteFailed'>> {
  return {
    onCommitted: (change: { action: CaseAction; before: CaseData | null; after: CaseView }): void => {
      const at = new Date();
      l.caseEvents.publish(caseChangedEvent(change, at));
      l.webhookEvents.publish(caseWebhookEvents(change, at));
      if (!enteredDepartmentQueue(change)) return;
      const { caseNumber, version, department } = change.after;
      void l.departmentSettings
        .settingsOf(department)
        .then((s) => (s.autoAssign ? l.autoAssign.request(caseNumber, version) : undefined))
        .catch((err: Error) => l.log.warn({ caseNumber, err: err.message }, 'auto-assign not queued'));
    },
    // The case is written; only its list row (case_index) is stale until the next write or `cases:reindex`.
    onIndexWriteFailed: (caseNumber, err) =>
      l.log.error({ caseNumber, err: (err as Error).message }, 'case list row not written (run npm run cli -- cases:reindex)'),
    // The case is written; only its day's report totals are off until `reports:rebuild`.
    onReportTotalsWriteFailed: (caseNumber, err) =>
      l.log.error({ caseNumber, err: (err as Error).message }, 'report totals not written (run npm run cli -- reports:rebuild)'),
  };
}
