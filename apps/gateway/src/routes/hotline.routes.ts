import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { hotlineCallRequestSchema, type HotlineCallAccepted } from '@cg/contracts';
import type { StaffTokenService } from '@cg/core';
import { IntakeUnavailableError, type IntakePublisher } from '@cg/queue';
import { intakeUnavailableProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { idempotencyKeyHeaders, idempotencyKeyOf } from '../http/idempotency-key';

/**
 * Hotline adapter: an operator's call notes become an intake envelope. It only translates;
 * the worker classifies, routes and writes the case.
 */
export function hotlineRoutes(deps: { publisher: IntakePublisher; tokens: StaffTokenService }): Router {
  const router = Router();

  router.post(
    '/calls',
    apiDoc({
      summary: 'Log a hotline call: the case number at once, the case when the worker has run',
      body: hotlineCallRequestSchema,
      headers: idempotencyKeyHeaders,
      responses: { 202: 'Accepted: durable in the intake queue; the case number is final' },
    }),
    requireStaff(deps.tokens, 'hotline:log-call'),
    async (req, res) => {
      const call = parseRequest(hotlineCallRequestSchema, req.body, 'body');
      const clientKey = idempotencyKeyOf(req);
      const operator = currentStaff(req);
      // Without the operator's call id: the request's Idempotency-Key (the console sends one per
      // action, the same on its retry, so a call whose answer was lost is not recorded twice),
      // else one made here; it is returned so a retry can reuse it. (A key is a valid call id as it is.)
      const callId = call.callId ?? clientKey ?? `srv-${randomUUID()}`;
      let receipt;
      try {
        receipt = await deps.publisher.publish({
          channel: 'hotline',
          idempotencyKey: callId,
          customer: {
            name: call.caller.name,
            phone: call.caller.phone,
            ...(call.caller.email ? { email: call.caller.email } : {}),
            ...(call.caller.customerId ? { customerId: call.caller.customerId } : {}),
          },
          ...(call.subject ? { subject: call.subject } : {}),
          bodyText: call.notes.normalize('NFC'),
          attachments: [],
          receivedAt: new Date().toISOString(),
          rawRef: `hotline-call:${callId}`,
          recordedBy: { staffId: operator.staffId, role: operator.role, name: operator.name },
          resolvedOnContact: call.resolvedOnCall ?? false,
        });
      } catch (err) {
        if (err instanceof IntakeUnavailableError) {
          throw intakeUnavailableProblem(`retry with the same callId (${callId}): it gets the same case number`);
        }
        throw err;
      }
      const body: HotlineCallAccepted = {
        caseNumber: receipt.caseNumber,
        callId,
        duplicate: receipt.duplicate,
        status: 'accepted',
        links: { case: `/api/v1/cases/${receipt.caseNumber}` },
      };
      req.log.info(
        { correlationId: receipt.envelope.correlationId, caseNumber: receipt.caseNumber, duplicate: receipt.duplicate },
        'hotline call accepted',
      );
      res.status(202).location(body.links.case).json(body);
    },
  );

  return router;
}
