import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { inboundBounceJobSchema } from '@cg/contracts';
import type { Database, MailOutboundRecord } from '@cg/db';
import { trustedBounceRecipients, verifyMessageId, type BounceReport } from '@cg/mail';
import type { CaseLifecycle } from '@cg/core';
import { journalMailEvent } from '../mail/case-email-journal';

export interface InboundBounceDeps {
  db: Database;
  lifecycle: Pick<CaseLifecycle, 'mailEvent'>;
  messageIdSecret: string;
  logger: Logger;
}

/**
 * A delivery report the poller took in. When it is about one of our messages (its Message-ID
 * verifies) and names its recipient (or none), that address is marked undeliverable, its `mail_outbound` row bounced, and the case journal
 * records it. A bounce never opens a case and is never answered.
 */
export function inboundBounceHandler(deps: InboundBounceDeps) {
  return async (job: Job<unknown>): Promise<{ outcome: string; caseNumber?: string }> => {
    const parsed = inboundBounceJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid bounce job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { db } = deps;
    const mail = await db.mailMessages.find(parsed.data.mailbox, parsed.data.messageKey);
    if (!mail) throw new UnrecoverableError(`no stored message ${parsed.data.mailbox} ${parsed.data.messageKey}`);
    const report = (mail.bounce ?? { failedRecipients: [] }) as BounceReport;

    let original: MailOutboundRecord | null = null;
    for (const id of [report.originalMessageId, ...mail.inReplyTo, ...mail.references]) {
      if (!id || verifyMessageId(deps.messageIdSecret, id) === null) continue; // not ours, or forged
      original = await db.mailOutbound.findByMessageId(id);
      if (original) break;
    }
    if (!original) {
      await db.mailMessages.setDisposition(mail.idempotencyKey, undefined, 'bounce:not-ours');
      return { outcome: 'not-ours' };
    }
    // Only the address we sent that message to: a forged report must not mark anyone else.
    const failed = trustedBounceRecipients(report, original.to);
    if (!failed) {
      deps.logger.warn({ outboundId: String(original._id), named: report.failedRecipients }, 'bounce names other recipients: ignored');
      await db.mailMessages.setDisposition(mail.idempotencyKey, undefined, 'bounce:recipient-mismatch');
      return { outcome: 'recipient-mismatch' };
    }
    const reason = [report.status, report.diagnostic].filter(Boolean).join(' ') || 'delivery failed';
    for (const address of failed) await db.mailAddresses.markUndeliverable(address, reason);
    await db.mailOutbound.markStatus(String(original._id), 'bounced', reason);
    const caseNumber = original.caseNumber ?? undefined;
    if (caseNumber) {
      await journalMailEvent(deps.lifecycle, caseNumber, {
        key: `bounce:${mail.idempotencyKey}`,
        event: 'bounced',
        kind: original.kind,
        to: failed.join(', '),
        at: mail.receivedAt,
        reason,
        data: { rawRef: mail.rawRef, outboundId: String(original._id), failedRecipients: failed },
      });
    }
    await db.mailMessages.setDisposition(mail.idempotencyKey, caseNumber, 'bounce:attached');
    deps.logger.info({ caseNumber, failed, reason }, 'bounce of our message recorded');
    return { outcome: 'attached', ...(caseNumber ? { caseNumber } : {}) };
  };
}
