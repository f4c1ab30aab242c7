import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { answerDeliveryJobSchema } from '@cg/contracts';
import { CaseNotFound, type CaseActionInputs, type CaseLifecycle } from '@cg/core';
import type { CaseRecord, Database } from '@cg/db';
import { signMessageId, staffReplyMail } from '@cg/mail';
import type { FileStore } from '@cg/postal';
import type { LivechatPost } from '@cg/livechat';
import type { Mailer } from '../mail/mailer';

export interface AnswerDeliveryDeps {
  db: Database;
  lifecycle: Pick<CaseLifecycle, 'delivery'>;
  mailer: Pick<Mailer, 'send'>;
  /** Where signed letters are (content-addressed, shared with the gateway: POSTAL_STORE_DIR). */
  files: Pick<FileStore, 'get'>;
  /** Posts into a livechat conversation from this process (absent: chat answers fail over to email). */
  chat?: { post(msg: LivechatPost): Promise<unknown> };
  messageIdSecret: string;
  messageIdDomain: string;
  logger: Logger;
}

export interface AnswerDeliveryResult {
  caseNumber: string;
  outcome: 'sent' | 'task' | 'failed' | 'nothing-to-do';
}

/** Thrown for a failure no retry can fix (no address, no letter): the delivery is marked failed at once. */
class DeliveryImpossible extends Error {}

/**
 * Delivers a case's answer on the channel it came from (issue 9, step 4), after `deliver`
 * answered the case and set `answer.delivery` to `queued`:
 * - email: a threaded reply to the case's customer address (the address the case was received
 *   from — never a Reply-To of a later mail), the signed letter attached when written;
 * - livechat: a message in the conversation, plus an email copy when the customer gave an address;
 * - hotline: a callback task for an operator (GET /api/v1/callbacks);
 * - postal: the signed letter queued for printing (GET /api/v1/postal/outgoing).
 * Sends throw so BullMQ retries with backoff; on the last attempt the delivery is marked failed on
 * the case (journalled, visible to staff) before the job fails. Every outcome goes through the
 * CaseLifecycle (`delivery`, keyed: a retried job journals nothing twice).
 */
export function answerDeliveryHandler(deps: AnswerDeliveryDeps) {
  return async (job: Job<unknown>): Promise<AnswerDeliveryResult> => {
    const parsed = answerDeliveryJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid answer-delivery job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { caseNumber, round } = parsed.data;
    const attempt = parsed.data.attempt ?? 0;
    const c = await deps.db.cases.findByCaseNumber(caseNumber);
    const delivery = c?.answer?.delivery;
    // A later round (reopened and answered again), a later attempt ("deliver again") or a delivery
    // already settled: nothing to do.
    if (!c || !c.answer || !delivery || delivery.round !== round || (delivery.attempt ?? 0) !== attempt || delivery.status !== 'queued') {
      return { caseNumber, outcome: 'nothing-to-do' };
    }
    // The server rule, again at the last moment: nothing written leaves before a supervisor's sign-off.
    if (c.answer.written && !c.answer.approvedAt) {
      throw new UnrecoverableError(`case ${caseNumber}: written answer not approved; not sent`);
    }
    // Attempt 0 keeps the keys it always had; each "deliver again" journals and sends under its own.
    const tag = attempt ? `${round}.${attempt}` : `${round}`;
    const key = (what: string) => `answer-${what}:${caseNumber}:${tag}`;
    const record = (input: Omit<CaseActionInputs['delivery'], 'key'> & { key: string }) => journal(deps.lifecycle, caseNumber, input);
    try {
      switch (delivery.via) {
        case 'email': {
          const to = await sendAnswerEmail(deps, c, tag);
          await record({ key: key('sent'), event: 'sent', to });
          return { caseNumber, outcome: 'sent' };
        }
        case 'livechat': {
          if (!deps.chat) throw new DeliveryImpossible('livechat posting is not available in this worker');
          await deps.chat.post({
            conversationId: c.idempotencyKey,
            messageId: key('chat'),
            text: c.answer.text,
            sender: { kind: 'agent', name: c.answer.approvedBy?.name ?? c.answer.draftedBy.name },
          });
          const to = c.customer?.email ? await sendAnswerEmail(deps, c, tag) : undefined;
          await record({ key: key('sent'), event: 'sent', ...(to ? { to } : {}) });
          return { caseNumber, outcome: 'sent' };
        }
        case 'postal':
          if (!c.answer.letter) throw new DeliveryImpossible('no signed letter to print');
          await record({ key: key('task'), event: 'task' });
          return { caseNumber, outcome: 'task' };
        case 'hotline':
          await record({ key: key('task'), event: 'task' });
          return { caseNumber, outcome: 'task' };
      }
    } catch (err) {
      const last = err instanceof DeliveryImpossible || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      deps.logger.warn(
        { caseNumber, round, deliveryAttempt: attempt, try: job.attemptsMade + 1, last, err: (err as Error).message },
        'answer delivery failed',
      );
      if (!last) throw err;
      await deps.db.mailOutbound
        .findByDedupeKey(`answer:${caseNumber}:${tag}`)
        .then((row) =>
          row && row.status !== 'sent' ? deps.db.mailOutbound.markStatus(String(row._id), 'failed', (err as Error).message) : undefined,
        )
        .catch(() => undefined);
      await record({ key: key('failed'), event: 'failed', reason: (err as Error).message.slice(0, 500) });
      throw new UnrecoverableError(`answer delivery of ${caseNumber} failed for good: ${(err as Error).message}`);
    }
  };
}

/**
 * The answer as a threaded email to the case's own customer address, with the signed letter
 * attached when written. The outbox row (status `direct`) is written once per round and sent by
 * this job alone; it is the conversation's record of the answer.
 */
async function sendAnswerEmail(deps: AnswerDeliveryDeps, c: CaseRecord, tag: string): Promise<string> {
  const answer = c.answer!;
  const to = c.customer?.email;
  if (!to) throw new DeliveryImpossible('the case has no customer email address');
  if (await deps.db.mailAddresses.isUndeliverable(to)) throw new DeliveryImpossible(`mail to ${to} bounced earlier`);
  const letter = answer.letter;
  if (answer.written && !letter) throw new DeliveryImpossible('the written answer has no signed letter');
  const [inbound, outbound] = await Promise.all([
    deps.db.mailMessages.listForCase(c.caseNumber),
    deps.db.mailOutbound.listForCase(c.caseNumber),
  ]);
  const thread = [
    ...inbound.flatMap((m) => (m.messageId ? [{ at: new Date(m.receivedAt).getTime(), id: m.messageId }] : [])),
    ...outbound.filter((m) => m.status === 'sent').map((m) => ({ at: new Date(m.createdAt).getTime(), id: m.messageId })),
  ]
    .sort((a, b) => a.at - b.at)
    .map((t) => t.id);
  const references = [...new Set(thread)].slice(-20);
  const content = staffReplyMail({
    caseNumber: c.caseNumber,
    ...(c.subject ? { customerSubject: c.subject } : {}),
    text: answer.text,
    ...(answer.approvedBy ? { staffName: answer.approvedBy.name } : { staffName: answer.draftedBy.name }),
  });
  const fileName = `tra-loi-khieu-nai-${c.caseNumber}.pdf`;
  const { record } = await deps.db.mailOutbound.createIfAbsent(
    {
      kind: 'answer',
      dedupeKey: `answer:${c.caseNumber}:${tag}`,
      caseNumber: c.caseNumber,
      to,
      subject: content.subject,
      text: content.text,
      messageId: signMessageId(deps.messageIdSecret, deps.messageIdDomain, c.caseNumber),
      ...(references.length ? { inReplyTo: references[references.length - 1], references } : {}),
      autoSubmitted: false,
      ...(letter ? { attachments: [{ fileName, contentType: 'application/pdf', sha256: letter.sha256 }] } : {}),
    },
    'direct',
  );
  if (record.status === 'sent') return to; // sent by an earlier attempt that died before journalling
  const files = [];
  for (const a of record.attachments ?? []) {
    const content = a.sha256 ? await deps.files.get(a.sha256) : null;
    if (!content) throw new DeliveryImpossible(`attachment ${a.fileName} (${a.sha256}) is missing from the file store`);
    files.push({ fileName: a.fileName ?? fileName, contentType: a.contentType ?? 'application/pdf', content });
  }
  try {
    const info = await deps.mailer.send(record, files);
    await deps.db.mailOutbound.markSent(String(record._id), info.response, new Date());
  } catch (err) {
    await deps.db.mailOutbound.recordAttempt(String(record._id), (err as Error).message).catch(() => undefined);
    throw err;
  }
  return to;
}

async function journal(lifecycle: Pick<CaseLifecycle, 'delivery'>, caseNumber: string, input: CaseActionInputs['delivery']): Promise<void> {
  try {
    await lifecycle.delivery(caseNumber, { kind: 'system' }, input);
  } catch (err) {
    if (err instanceof CaseNotFound) return;
    throw err;
  }
}
