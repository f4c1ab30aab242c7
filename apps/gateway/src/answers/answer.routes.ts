import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { CALLBACK_OUTCOMES, CASE_NUMBER_PATTERN } from '@cg/contracts';
import type { CaseLifecycle, CaseView, Permission, StaffTokenService } from '@cg/core';
import type { CaseRecord, CaseRepository, MailOutboundRepository } from '@cg/db';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { staffActor } from '../routes/case-actions.routes';
import type { AnswerLetters } from './answer-letters';

const paramsSchema = z.object({ caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042') });
const callbackOutcomeSchema = z
  .object({
    outcome: z.enum(CALLBACK_OUTCOMES),
    note: z.string().trim().min(1, 'what was said on the call (or why nobody answered) is required').max(2000),
  })
  .strict();
const mailedSchema = z
  .object({
    mailedOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'the mailing date, YYYY-MM-DD')
      .optional(),
  })
  .strict();
const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 letters, digits or . _ : -')
  .optional();

/**
 * The answer routes of step 4 beyond the case actions (paths under /api/v1) and the permission
 * each asks for: the one table the routes are built from and the permissions test walks.
 */
export const ANSWER_ROUTES = {
  template: { method: 'GET', path: '/cases/:caseNumber/answer/template', permission: 'cases:draft' },
  letter: { method: 'GET', path: '/cases/:caseNumber/answer/letter.pdf', permission: 'cases:read' },
  callbacks: { method: 'GET', path: '/callbacks', permission: 'callbacks:handle' },
  callbackOutcome: { method: 'POST', path: '/cases/:caseNumber/callback-outcome', permission: 'callbacks:handle' },
  outgoingLetters: { method: 'GET', path: '/postal/outgoing', permission: 'postal:mail' },
  mailed: { method: 'POST', path: '/cases/:caseNumber/mailed', permission: 'postal:mail' },
  failedDeliveries: { method: 'GET', path: '/deliveries/failed', permission: 'cases:deliver' },
} as const satisfies Record<string, { method: 'GET' | 'POST'; path: string; permission: Permission }>;

/** Today in Vietnam, YYYY-MM-DD (the mailing date when the clerk gives none). */
function vnToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

function deliveryItem(c: CaseRecord) {
  const d = c.answer?.delivery;
  return {
    caseNumber: c.caseNumber,
    channel: c.channel,
    customer: c.customer,
    subject: c.subject,
    department: c.department,
    requestedAt: d?.requestedAt,
    status: d?.status,
    callbackAttempts: d?.callbackAttempts ?? 0,
    lastNote: d?.reason,
    answerText: c.answer?.text,
    ...(c.answer?.letter ? { letterUrl: `/api/v1/cases/${c.caseNumber}/answer/letter.pdf`, letterSha256: c.answer.letter.sha256 } : {}),
  };
}

/**
 * Step 4's working lists and records: the draft template, the signed letter's download, the
 * hotline's callback tasks and their outcomes, the postal clerks' letters to post and their
 * mailing dates. Every change of a case goes through the CaseLifecycle (`delivery`).
 */
export function answerRoutes(deps: {
  lifecycle: Pick<CaseLifecycle, 'get' | 'delivery'>;
  cases: Pick<CaseRepository, 'listByDeliveryStatus'>;
  /** Failed mail (staff replies, receipts, answers) for the failures list (absent: answers only). */
  mailOutbound?: Pick<MailOutboundRepository, 'listFailed'>;
  letters: AnswerLetters;
  tokens: StaffTokenService;
}): Router {
  const router = Router();
  const guard = (r: keyof typeof ANSWER_ROUTES) => requireStaff(deps.tokens, ANSWER_ROUTES[r].permission);

  router.get(
    ANSWER_ROUTES.template.path,
    apiDoc({ summary: 'The answer’s draft template for the case', params: paramsSchema }),
    guard('template'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const c: CaseView = await deps.lifecycle.get(caseNumber, staffActor(currentStaff(req)));
      const { language, text } = deps.letters.template(c, new Date());
      res.json({ caseNumber, language, text, reported: c.report !== undefined });
    },
  );

  router.get(
    ANSWER_ROUTES.letter.path,
    apiDoc({
      summary: 'The signed answer letter',
      params: paramsSchema,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
    }),
    guard('letter'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const c = await deps.lifecycle.get(caseNumber, staffActor(currentStaff(req)));
      const letter = c.answer?.letter;
      const pdf = letter ? await deps.letters.read(letter.sha256) : null;
      if (!letter || !pdf)
        throw new HttpProblem(404, 'letter_not_found', 'No signed letter', `case ${caseNumber} has no signed answer letter (yet)`);
      res
        .status(200)
        .type('application/pdf')
        .set({
          'Content-Disposition': `attachment; filename="tra-loi-khieu-nai-${caseNumber}.pdf"`,
          'X-Letter-SHA256': letter.sha256,
          'Content-Security-Policy': "default-src 'none'; sandbox",
        })
        .send(pdf);
    },
  );

  router.get(ANSWER_ROUTES.callbacks.path, apiDoc({ summary: 'The hotline’s callback tasks' }), guard('callbacks'), async (_req, res) => {
    const items = await deps.cases.listByDeliveryStatus('awaiting_callback');
    res.json({ items: items.map(deliveryItem) });
  });

  router.post(
    ANSWER_ROUTES.callbackOutcome.path,
    apiDoc({
      summary: 'Record the outcome of a callback',
      params: paramsSchema,
      body: callbackOutcomeSchema,
      headers: z.object({ 'idempotency-key': idempotencyKeySchema }),
    }),
    guard('callbackOutcome'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(callbackOutcomeSchema, req.body ?? {}, 'body');
      const clientKey = parseRequest(idempotencyKeySchema, req.get('idempotency-key') ?? undefined, 'body');
      const result = await deps.lifecycle.delivery(caseNumber, staffActor(currentStaff(req)), {
        key: `callback:${caseNumber}:${clientKey ?? randomUUID()}`,
        event: 'callback',
        outcome: body.outcome,
        note: body.note,
      });
      res.json({ caseNumber, delivery: result.case.answer?.delivery, changed: result.changed });
    },
  );

  router.get(
    ANSWER_ROUTES.outgoingLetters.path,
    apiDoc({ summary: 'Signed letters to print and post' }),
    guard('outgoingLetters'),
    async (_req, res) => {
      const items = await deps.cases.listByDeliveryStatus('awaiting_mailing');
      res.json({ items: items.map(deliveryItem) });
    },
  );

  router.post(
    ANSWER_ROUTES.mailed.path,
    apiDoc({ summary: 'Record the mailing date of the answer letter', params: paramsSchema, body: mailedSchema }),
    guard('mailed'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const body = parseRequest(mailedSchema, req.body ?? {}, 'body');
      const staff = currentStaff(req);
      const c = await deps.lifecycle.get(caseNumber, staffActor(staff));
      const result = await deps.lifecycle.delivery(caseNumber, staffActor(staff), {
        // One mailing per delivery round: a repeated request is a no-op.
        key: `mailed:${caseNumber}:${c.answer?.delivery?.round ?? 0}`,
        event: 'mailed',
        mailedOn: body.mailedOn ?? vnToday(new Date()),
      });
      res.json({ caseNumber, delivery: result.case.answer?.delivery, changed: result.changed });
    },
  );

  router.get(
    ANSWER_ROUTES.failedDeliveries.path,
    apiDoc({ summary: 'What failed for good and waits for a person: answer deliveries and emails' }),
    guard('failedDeliveries'),
    async (_req, res) => {
      const [answers, mail] = await Promise.all([deps.cases.listByDeliveryStatus('failed'), deps.mailOutbound?.listFailed() ?? []]);
      res.json({
        // "Deliver again": POST /api/v1/cases/:caseNumber/deliver-again.
        answers: answers.map((c) => ({ ...deliveryItem(c), via: c.answer?.delivery?.via, reason: c.answer?.delivery?.reason })),
        mail: mail.map((m) => ({
          outboundId: String(m._id),
          caseNumber: m.caseNumber,
          kind: m.kind,
          to: m.to,
          subject: m.subject,
          reason: m.statusReason,
          attempts: m.attempts,
          createdAt: m.createdAt,
          failedAt: m.updatedAt,
        })),
      });
    },
  );

  return router;
}
