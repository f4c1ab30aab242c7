import type { Logger } from 'pino';
import type { IntakeEnvelope } from '@cg/contracts';
import type { Letterhead } from '@cg/config';
import type { StoredCase } from '@cg/core';
import type { Database } from '@cg/db';
import { postalReceiptFileName, postalReceiptInput, renderReceiptLetter } from '@cg/letters';
import { receiptMail, signMessageId } from '@cg/mail';
import type { FileStore } from '@cg/postal';
import { queueOutboundMail, type OutboundQueue } from '@cg/queue';

export interface PostalReceiptMailDeps {
  db: Pick<Database, 'postalLetters' | 'mailOutbound'>;
  queue: OutboundQueue;
  /** The content-addressed store shared with the gateway (POSTAL_STORE_DIR): the slip is attached from it. */
  files: Pick<FileStore, 'put'>;
  company: Letterhead;
  messageIdSecret: string;
  messageIdDomain: string;
  logger: Logger;
}

/** The clerk's confirmation is written just after the envelope is queued: the intake job retries until it is there. */
export class PostalLetterNotConfirmedYet extends Error {}

/**
 * A postal complaint whose letter gives an e-mail address gets its receipt slip (phiếu tiếp
 * nhận) by e-mail too, as the PDF the clerk prints: runs in the intake job once the case exists
 * (`afterCase`), on every attempt. One outbox row per case (`receipt:<case>`), sent by the
 * outbound-email job, which journals it on the case (`email sent`, kind receipt).
 */
export class PostalReceiptMail {
  constructor(private readonly deps: PostalReceiptMailDeps) {}

  async afterCase(record: StoredCase, envelope: IntakeEnvelope): Promise<void> {
    if (envelope.channel !== 'postal') return;
    const to = record.customer?.email;
    const target = record.deadlines?.target?.dueDate;
    const cap = record.deadlines?.cap?.dueDate;
    if (!to || !target || !cap) return;
    const { db } = this.deps;
    const dedupeKey = `receipt:${record.caseNumber}`;
    const existing = await db.mailOutbound.findByDedupeKey(dedupeKey);
    if (existing) return queueOutboundMail(this.deps.queue, existing);

    const letter = await db.postalLetters.findBySha256(envelope.idempotencyKey);
    if (!letter) {
      this.deps.logger.warn({ caseNumber: record.caseNumber }, 'postal case without its letter: no receipt e-mailed');
      return;
    }
    // The gateway publishes the envelope, then records the confirmation (it needs the case number
    // the publish returns). A retry of this job (backoff 2 s, 4 s, …) finds it.
    if (letter.status !== 'confirmed' || !letter.confirmation) {
      throw new PostalLetterNotConfirmedYet(
        `postal letter ${String(letter._id)} is ${letter.status}: the receipt waits for its confirmation`,
      );
    }
    const pdf = await renderReceiptLetter(
      postalReceiptInput({
        company: this.deps.company,
        caseNumber: record.caseNumber,
        receivedAt: record.receivedAt,
        deadlines: { target, cap },
        ...(record.customer?.name ? { caseCustomerName: record.customer.name } : {}),
        confirmation: letter.confirmation,
      }),
    );
    const sha256 = await this.deps.files.put(pdf);
    const content = receiptMail({
      caseNumber: record.caseNumber,
      ...(record.customer?.name ? { customerName: record.customer.name } : {}),
      ...(record.subject ? { subject: record.subject } : {}),
      bodyText: letter.confirmation.text,
      attachmentNames: [postalReceiptFileName(record.caseNumber)],
      targetDueDate: target,
    });
    const { record: out } = await db.mailOutbound.createIfAbsent({
      kind: 'receipt',
      dedupeKey,
      caseNumber: record.caseNumber,
      to,
      subject: content.subject,
      text: content.text,
      messageId: signMessageId(this.deps.messageIdSecret, this.deps.messageIdDomain, record.caseNumber),
      autoSubmitted: true,
      attachments: [{ fileName: postalReceiptFileName(record.caseNumber), contentType: 'application/pdf', sha256 }],
    });
    await queueOutboundMail(this.deps.queue, out);
  }
}
