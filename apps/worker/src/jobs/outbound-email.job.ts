import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { outboundEmailJobSchema } from '@cg/contracts';
import type { Database } from '@cg/db';
import type { CaseLifecycle } from '@cg/core';
import type { FileStore } from '@cg/postal';
import { journalMailEvent } from '../mail/case-email-journal';
import { isPermanentSmtpFailure, settleFailedMail } from '../mail/failed-mail';
import type { Mailer } from '../mail/mailer';
import type { AddressRateLimiter } from '../mail/address-rate-limit';

export interface OutboundEmailDeps {
  db: Database;
  lifecycle: Pick<CaseLifecycle, 'mailEvent'>;
  mailer: Mailer;
  rateLimiter: AddressRateLimiter;
  /** Where attached files are, by SHA-256 (the e-mailed postal receipt slip); shared with the gateway. */
  files: Pick<FileStore, 'get'>;
  logger: Logger;
}

export interface OutboundEmailResult {
  outboundId: string;
  status: 'sent' | 'suppressed' | 'bounced' | 'already-sent' | 'failed';
}

/**
 * Sends one `mail_outbound` row. SMTP failures throw, so BullMQ retries with exponential backoff and
 * jitter (DEFAULT_JOB_OPTIONS); a row already sent is not sent again. Automatic messages
 * (receipts, notices) are suppressed for an address that bounced or exceeded its hourly allowance.
 */
export function outboundEmailHandler(deps: OutboundEmailDeps) {
  return async (job: Job<unknown>): Promise<OutboundEmailResult> => {
    const parsed = outboundEmailJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid outbound job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const id = parsed.data.outboundId;
    const m = await deps.db.mailOutbound.findById(id);
    if (!m) throw new UnrecoverableError(`no outbound message ${id}`);
    // Outbound rows carry the case number, the key that ties this mail to the complaint's other log lines.
    const log = deps.logger.child({ outboundId: id, ...(m.caseNumber ? { caseNumber: m.caseNumber } : {}) });
    if (m.status === 'sent') return { outboundId: id, status: 'already-sent' };
    if (m.status === 'suppressed' || m.status === 'bounced' || m.status === 'failed') return { outboundId: id, status: m.status };

    if (m.autoSubmitted) {
      let reason: string | undefined;
      if (await deps.db.mailAddresses.isUndeliverable(m.to)) reason = `${m.to} bounced earlier: no automatic mail to it`;
      else if (!(await deps.rateLimiter.allow(m.to, id))) reason = `hourly limit of automatic mail to ${m.to} reached (loop guard)`;
      if (reason) {
        await deps.db.mailOutbound.markStatus(id, 'suppressed', reason);
        log.warn({ to: m.to, kind: m.kind, reason }, 'automatic email suppressed');
        if (m.caseNumber)
          await journalMailEvent(deps.lifecycle, m.caseNumber, {
            key: `email-suppressed:${id}`,
            event: 'suppressed',
            kind: m.kind,
            to: m.to,
            reason,
            data: { outboundId: id },
          });
        return { outboundId: id, status: 'suppressed' };
      }
    }

    const files = [];
    for (const a of m.attachments ?? []) {
      const content = await deps.files.get(a.sha256);
      if (!content) {
        const reason = `attachment ${a.fileName} (${a.sha256}) is missing from the file store`;
        await deps.db.mailOutbound.markStatus(id, 'failed', reason);
        throw new UnrecoverableError(reason);
      }
      files.push({ fileName: a.fileName, contentType: a.contentType, content });
    }
    try {
      const info = await deps.mailer.send(m, files);
      await deps.db.mailOutbound.markSent(id, info.response, new Date());
      log.info({ kind: m.kind }, 'email sent');
    } catch (err) {
      await deps.db.mailOutbound.recordAttempt(id, (err as Error).message).catch(() => undefined);
      // The last attempt, or a permanent refusal (5xx): a final status and a person told, so the row
      // never stays `pending` (the relay walks pending rows; failed ones must leave them).
      const permanent = isPermanentSmtpFailure(err);
      if (permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        await settleFailedMail(
          deps,
          m,
          `${permanent ? 'refused for good' : `gave up after ${job.attemptsMade + 1} attempts`}: ${(err as Error).message}`,
        );
        throw new UnrecoverableError(`email ${id} failed for good: ${(err as Error).message}`);
      }
      throw err;
    }
    if (m.caseNumber) {
      await journalMailEvent(deps.lifecycle, m.caseNumber, {
        key: `email-sent:${id}`,
        event: 'sent',
        kind: m.kind,
        to: m.to,
        data: { outboundId: id, messageId: m.messageId, kind: m.kind },
      });
    }
    return { outboundId: id, status: 'sent' };
  };
}
