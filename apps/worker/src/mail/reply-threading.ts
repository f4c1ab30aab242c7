import type { Logger } from 'pino';
import { CASE_NUMBER_PATTERN, type IntakeEnvelope, type SenderAlertReason } from '@cg/contracts';
import { TransitionRefused, type CaseActor, type CaseLifecycle, type StoredCase } from '@cg/core';
import type { Database } from '@cg/db';
import { queueOutboundMail, type OutboundQueue } from '@cg/queue';
import { caseNumbersInSubject, readAuthenticationResults, receiptMail, signMessageId, verifyMessageId } from '@cg/mail';

export interface ReplyThreadingDeps {
  db: Database;
  /** Joins replies to cases and reopens closed ones (the only writer of cases). */
  lifecycle: Pick<CaseLifecycle, 'reopen' | 'customerMessage'>;
  queue: OutboundQueue;
  messageIdSecret: string;
  messageIdDomain: string;
  reopenWindowDays: number;
  logger: Logger;
  now?: () => Date;
}

export interface AttachedReply {
  caseNumber: string;
  created: false;
  department: string;
  status: string;
}

/**
 * The email side of the intake worker.
 * - `attachReply` runs before a case is created: a reply to one of our messages (In-Reply-To /
 *   References carrying our signed Message-ID) or a subject with the case number from that
 *   case's own customer joins the existing case; a reply to a case closed within the window
 *   reopens it; an older one opens a new case.
 * - `afterCase` runs once the case exists: records which case the mail opened and queues the receipt.
 */
export class ReplyThreading {
  constructor(private readonly deps: ReplyThreadingDeps) {}

  async attachReply(envelope: IntakeEnvelope): Promise<AttachedReply | null> {
    if (envelope.channel !== 'email') return null;
    const { db } = this.deps;
    const mail = await db.mailMessages.findByIdempotencyKey(envelope.idempotencyKey);
    if (!mail) return null;
    if ((mail.disposition === 'attached' || mail.disposition === 'reopened') && mail.caseNumber) {
      const c = await db.cases.findByCaseNumber(mail.caseNumber);
      if (c) return { caseNumber: c.caseNumber, created: false, department: c.department, status: c.status };
    }

    let target: StoredCase | null = null;
    let via = '';
    for (const id of [...mail.inReplyTo, ...[...mail.references].reverse()]) {
      const ref = verifyMessageId(this.deps.messageIdSecret, id);
      if (!ref || !CASE_NUMBER_PATTERN.test(ref)) continue;
      target = await db.cases.findByCaseNumber(ref);
      if (target) {
        via = 'signed Message-ID';
        break;
      }
    }
    if (!target) {
      for (const n of caseNumbersInSubject(mail.subject ?? undefined)) {
        const c = await db.cases.findByCaseNumber(n);
        // The case number alone is guessable: only the case's own customer may thread by subject.
        if (c && c.customer?.email?.toLowerCase() === mail.from.address.toLowerCase()) {
          target = c;
          via = 'case number in the subject';
          break;
        }
      }
    }
    if (!target) return null;
    // A merged duplicate: the conversation continues on the case it joined (the lifecycle follows
    // the pointer again if a merge lands between this read and the join).
    if (target.status === 'merged' && target.mergedInto) {
      const survivor = await db.cases.findByCaseNumber(target.mergedInto);
      if (survivor) {
        target = survivor;
        via = `${via}, merged into ${survivor.caseNumber}`;
      }
    }

    const now = (this.deps.now ?? (() => new Date()))();
    let reopen = false;
    if (target.status === 'closed') {
      const closedAt = target.closedAt ?? target.updatedAt;
      if (now.getTime() - new Date(closedAt).getTime() > this.deps.reopenWindowDays * 86_400_000) {
        this.deps.logger.info(
          { caseNumber: target.caseNumber, key: envelope.idempotencyKey },
          'reply to a case closed outside the reopen window: a new case is opened',
        );
        return null;
      }
      reopen = true;
    }
    const customer: CaseActor = { kind: 'customer', ...(envelope.customer.name ? { name: envelope.customer.name } : {}) };
    // Our signed Message-IDs are on every message of the thread and a From address is easy to
    // forge: a joined mail from someone who is not the case's customer, or that failed the
    // receiving server's checks, joins the case flagged for a person. It never decides where
    // replies go (always the case's customer address, changed only by staff).
    const sender = mail.from.address.toLowerCase();
    const auth = readAuthenticationResults((mail.headers as Record<string, string> | undefined)?.['authentication-results'], sender);
    const reasons: SenderAlertReason[] = [];
    if (sender !== target.customer?.email?.toLowerCase()) reasons.push('sender_not_customer');
    if (auth.verdict === 'fail') reasons.push('authentication_failed');
    const senderAlert = reasons.length
      ? {
          from: sender,
          ...(mail.replyTo?.address ? { replyTo: mail.replyTo.address } : {}),
          reasons,
          authentication: { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc, verdict: auth.verdict },
        }
      : undefined;
    if (senderAlert) this.deps.logger.warn({ caseNumber: target.caseNumber, from: sender, reasons }, 'joined email flagged for review');
    if (reopen) {
      try {
        // A new target from now, and new deadline checks (the lifecycle's onDeadlinesChanged).
        await this.deps.lifecycle.reopen(target.caseNumber, customer, {
          reason: `the customer replied by email (closed less than ${this.deps.reopenWindowDays} days ago)`,
          via: 'email',
        });
      } catch (err) {
        if (!(err instanceof TransitionRefused)) throw err; // reopened meanwhile (e.g. a retried job): just join
      }
    }
    const joined = await this.deps.lifecycle.customerMessage(target.caseNumber, customer, {
      key: `email:${envelope.idempotencyKey}`,
      channel: 'email',
      at: new Date(envelope.receivedAt),
      matchedBy: via,
      data: {
        rawRef: envelope.rawRef,
        subject: envelope.subject,
        excerpt: envelope.bodyText.slice(0, 500),
        attachments: envelope.attachments.map((a) => a.id),
      },
      attachments: envelope.attachments,
      ...(senderAlert ? { senderAlert } : {}),
    });
    const status = joined.case.status;
    // The case it joined (a merge racing this mail moves it to the survivor).
    const joinedCase = joined.case.caseNumber;
    await db.mailMessages.setDisposition(envelope.idempotencyKey, joinedCase, reopen ? 'reopened' : 'attached');
    return { caseNumber: joinedCase, created: false, department: joined.case.department, status };
  }

  async afterCase(record: StoredCase, envelope: IntakeEnvelope): Promise<void> {
    if (envelope.channel !== 'email') return;
    const { db } = this.deps;
    const mail = await db.mailMessages.findByIdempotencyKey(envelope.idempotencyKey);
    if (mail && mail.disposition !== 'new_case')
      await db.mailMessages.setDisposition(envelope.idempotencyKey, record.caseNumber, 'new_case');
    const to = mail?.replyTo?.address ?? record.customer?.email;
    const due = record.deadlines?.target?.dueDate;
    if (!to || !due) return;
    const content = receiptMail({
      caseNumber: record.caseNumber,
      ...(record.customer?.name ? { customerName: record.customer.name } : {}),
      ...(record.subject ? { subject: record.subject } : {}),
      bodyText: record.bodyText,
      attachmentNames: (record.attachments ?? []).map((a) => a.fileName ?? ''),
      targetDueDate: due,
    });
    const theirs = mail?.messageId;
    const { record: out } = await db.mailOutbound.createIfAbsent({
      kind: 'receipt',
      dedupeKey: `receipt:${record.caseNumber}`,
      caseNumber: record.caseNumber,
      to,
      subject: content.subject,
      text: content.text,
      messageId: signMessageId(this.deps.messageIdSecret, this.deps.messageIdDomain, record.caseNumber),
      ...(theirs ? { inReplyTo: theirs, references: [...(mail?.references ?? []), theirs].slice(-20) } : {}),
      autoSubmitted: true,
    });
    await queueOutboundMail(this.deps.queue, out);
  }
}
