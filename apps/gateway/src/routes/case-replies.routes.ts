import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, caseReplyRequestSchema, replyAddressRequestSchema } from '@cg/contracts';
import type { GatewayConfig } from '@cg/config';
import { isVisibleTo, type CaseLifecycle, type StaffPrincipal, type StaffTokenService } from '@cg/core';
import type { CaseRecord, Database } from '@cg/db';
import { signMessageId, staffReplyMail } from '@cg/mail';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { staffActor } from './case-actions.routes';
import { sendAttachmentDownload } from '../http/attachment-download';

const paramsSchema = z.object({ caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042') });
const attachmentParamsSchema = paramsSchema.extend({ attachmentId: z.string().regex(/^[0-9a-f]{24}$/, 'an attachment id') });
const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 letters, digits or . _ : -')
  .optional();

/**
 * The email side of a case for staff:
 * - POST /:caseNumber/replies — staff correspondence by email (a question, an update; not the
 *   formal answer), threaded under the conversation (In-Reply-To, References, case number in the
 *   subject), always to the case's customer address. Refused (409) while it would get round the
 *   sign-off of a written answer (reply-gate.ts in @cg/core). It is written to the outbox in
 *   MongoDB and answered 202; the worker's relay queues and sends it (with retries). An
 *   `Idempotency-Key` makes a retried request the same reply.
 * - POST /:caseNumber/reply-address — a staff member confirms where replies go (the address
 *   stays, or changes to one confirmed with the customer) and reviews the case's sender flags.
 * - GET /:caseNumber/emails — the conversation: every inbound and outbound email of the case.
 * - GET /:caseNumber/attachments/:attachmentId — an attachment's content, as a download.
 */
export function caseReplyRoutes(deps: {
  db: Database;
  /** Checks the reply against the sign-off rule and journals it; confirms reply addresses. */
  lifecycle: Pick<CaseLifecycle, 'correspond' | 'confirmReplyAddress'>;
  tokens: StaffTokenService;
  /** Read with the gateway's configuration at start; a gateway without email settings still starts. */
  mail: GatewayConfig['mail'];
}): Router {
  const router = Router();
  const mailConfig = () => {
    if ('problem' in deps.mail) throw new HttpProblem(503, 'email_not_configured', 'Email is not configured', deps.mail.problem);
    return deps.mail.settings;
  };
  const canRead = requireStaff(deps.tokens, 'cases:read');

  const loadCase = async (caseNumber: string, staff: StaffPrincipal): Promise<CaseRecord> => {
    const record = await deps.db.cases.findByCaseNumber(caseNumber);
    if (!record || !isVisibleTo(staffActor(staff), record))
      throw new HttpProblem(404, 'case_not_found', 'Case not found', `no case ${caseNumber}`);
    return record;
  };

  router.post(
    '/:caseNumber/replies',
    apiDoc({
      summary: 'Send a written answer by email, threaded under the case’s conversation',
      params: paramsSchema,
      body: caseReplyRequestSchema,
      headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
      responses: { 202: 'Accepted into the outbox' },
    }),
    requireStaff(deps.tokens, 'cases:reply'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(caseReplyRequestSchema, req.body, 'body');
      const clientKey = parseRequest(idempotencyKeySchema, req.get('idempotency-key') ?? undefined, 'body');
      const staff = currentStaff(req);
      const c = await loadCase(caseNumber, staff);
      const text = body.text.normalize('NFC');
      // The same Idempotency-Key is the same reply: answered again, never sent twice.
      const dedupeKey = `reply:${caseNumber}:${clientKey ?? randomUUID()}`;
      const content = staffReplyMail({ caseNumber, ...(c.subject ? { customerSubject: c.subject } : {}), text, staffName: staff.name });
      const earlier = clientKey ? await deps.db.mailOutbound.findByDedupeKey(dedupeKey) : null;
      if (earlier && earlier.text !== content.text)
        throw new HttpProblem(
          422,
          'idempotency_key_reused',
          'Idempotency-Key already used for another reply',
          `the key ${clientKey} was used for a different text on case ${caseNumber}; use a new key for a new reply`,
        );
      // Always the customer's address from intake (or one a staff member confirmed: POST …/reply-address),
      // never the From or Reply-To of a later mail, which anyone can write (see reply-threading.ts).
      const to = earlier?.to ?? c.customer?.email;
      if (!to)
        throw new HttpProblem(
          409,
          'no_customer_email',
          'The customer has no email address',
          `case ${caseNumber} was received without an email address; answer on its own channel`,
        );
      if (!earlier && (await deps.db.mailAddresses.isUndeliverable(to))) {
        throw new HttpProblem(
          409,
          'address_undeliverable',
          'The customer address bounced',
          `mail to ${to} bounced earlier; reach the customer on another channel`,
        );
      }
      const messageId =
        earlier?.messageId ?? signMessageId(mailConfig().MAIL_MESSAGE_ID_SECRET, mailConfig().MAIL_MESSAGE_ID_DOMAIN, caseNumber);
      // The lifecycle first: under the case's lease it refuses (409) a reply that would get round the
      // supervisor's sign-off of a written answer, and journals the reply once per key. Only then is
      // the outbox row written (a crash in between leaves a journal line and no mail: the client's
      // retry with the same key writes the row).
      await deps.lifecycle.correspond(caseNumber, staffActor(staff), {
        key: `email-reply:${dedupeKey}`,
        to,
        text,
        data: { dedupeKey, messageId },
      });
      const inbound = await deps.db.mailMessages.listForCase(caseNumber);
      // Thread under the whole conversation, newest last.
      const outbound = await deps.db.mailOutbound.listForCase(caseNumber);
      const thread = [
        ...inbound.flatMap((m) => (m.messageId ? [{ at: new Date(m.receivedAt).getTime(), id: m.messageId }] : [])),
        ...outbound.map((m) => ({ at: new Date(m.createdAt).getTime(), id: m.messageId })),
      ]
        .sort((a, b) => a.at - b.at)
        .map((t) => t.id);
      const references = [...new Set(thread)].slice(-20);
      const { record, created } = await deps.db.mailOutbound.createIfAbsent({
        kind: 'reply',
        dedupeKey,
        caseNumber,
        to,
        subject: content.subject,
        text: content.text,
        messageId,
        ...(references.length ? { inReplyTo: references[references.length - 1], references } : {}),
        autoSubmitted: false,
        createdBy: { staffId: staff.staffId, name: staff.name, role: staff.role },
      });
      res
        .status(202)
        .location(`/api/v1/cases/${caseNumber}/emails`)
        .json({
          outboundId: String(record._id),
          caseNumber,
          to,
          subject: record.subject,
          messageId: record.messageId,
          inReplyTo: record.inReplyTo,
          status: record.status,
          duplicate: !created,
        });
    },
  );

  router.post(
    '/:caseNumber/reply-address',
    apiDoc({
      summary: 'Confirm where replies go (keep the customer’s address or change it) and review flagged emails',
      params: paramsSchema,
      body: replyAddressRequestSchema,
    }),
    requireStaff(deps.tokens, 'cases:reply'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(replyAddressRequestSchema, req.body ?? {}, 'body');
      const result = await deps.lifecycle.confirmReplyAddress(caseNumber, staffActor(currentStaff(req)), {
        note: body.note,
        ...(body.email ? { email: body.email } : {}),
      });
      res.json({ caseNumber, customer: result.case.customer, senderAlerts: result.case.senderAlerts ?? [] });
    },
  );

  router.get(
    '/:caseNumber/emails',
    apiDoc({ summary: 'Every inbound and outbound email of the case', params: paramsSchema }),
    canRead,
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      await loadCase(caseNumber, currentStaff(req));
      const [inbound, outbound] = await Promise.all([
        deps.db.mailMessages.listForCase(caseNumber),
        deps.db.mailOutbound.listForCase(caseNumber),
      ]);
      const items = [
        ...inbound.map((m) => ({
          direction: 'inbound' as const,
          at: m.receivedAt,
          storedAt: m.createdAt,
          messageId: m.messageId,
          from: m.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          safeHtml: m.safeHtml,
          attachments: (m.attachments ?? []).map((a) => ({ ...a, url: `/api/v1/cases/${caseNumber}/attachments/${a.id}` })),
          kind: m.kind,
          disposition: m.disposition,
          inReplyTo: m.inReplyTo,
          rawRef: m.rawRef,
        })),
        ...outbound.map((m) => ({
          direction: 'outbound' as const,
          at: m.sentAt ?? m.createdAt,
          storedAt: m.createdAt,
          messageId: m.messageId,
          to: m.to,
          subject: m.subject,
          text: m.text,
          kind: m.kind,
          status: m.status,
          statusReason: m.statusReason,
          inReplyTo: m.inReplyTo,
          references: m.references,
          createdBy: m.createdBy,
        })),
      ].sort((a, b) => new Date(a.storedAt).getTime() - new Date(b.storedAt).getTime()); // IMAP dates have 1 s resolution
      res.json({ caseNumber, items });
    },
  );

  router.get(
    '/:caseNumber/attachments/:attachmentId',
    apiDoc({
      summary: 'Download an email attachment of the case',
      params: attachmentParamsSchema,
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
    }),
    canRead,
    async (req, res) => {
      const { caseNumber, attachmentId } = parseRequest(attachmentParamsSchema, req.params, 'params');
      const c = await loadCase(caseNumber, currentStaff(req));
      const listed = (c.attachments ?? []).some((a) => a.id === attachmentId);
      const a = listed ? await deps.db.mailAttachments.findById(attachmentId) : null;
      if (!a)
        throw new HttpProblem(404, 'attachment_not_found', 'Attachment not found', `case ${caseNumber} has no attachment ${attachmentId}`);
      sendAttachmentDownload(res, a);
    },
  );

  return router;
}
