import type { Logger } from 'pino';
import type { CaseLifecycle } from '@cg/core';
import type { Database, MailOutboundRecord } from '@cg/db';
import { journalMailEvent } from './case-email-journal';

/**
 * An outbox row whose sending failed for good (its job's last attempt, a permanent SMTP refusal,
 * or a job found failed by the relay) gets its final status, `failed`, so it leaves the pending
 * rows the relay walks, and a person is told: an `email_failed` entry on its case (the console
 * lists failed mail under Deliveries). Idempotent: the journal entry is keyed on the row.
 */
export async function settleFailedMail(
  deps: { db: Database; lifecycle: Pick<CaseLifecycle, 'mailEvent'>; logger: Logger },
  row: Pick<MailOutboundRecord, '_id' | 'caseNumber' | 'kind' | 'to' | 'messageId'>,
  reason: string,
): Promise<void> {
  const id = String(row._id);
  const why = reason.slice(0, 500);
  await deps.db.mailOutbound.markFailed(id, why);
  deps.logger.error({ outboundId: id, caseNumber: row.caseNumber, kind: row.kind, reason: why }, 'email failed for good');
  if (row.caseNumber)
    await journalMailEvent(deps.lifecycle, row.caseNumber, {
      key: `email-failed:${id}`,
      event: 'failed',
      kind: row.kind,
      to: row.to,
      reason: why,
      data: { outboundId: id, messageId: row.messageId },
    });
}

/** SMTP 5xx: the server refused for good (no such user, policy): retrying cannot help. */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
