import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { hotlineCallRequestSchema, type HotlineCallAccepted } from '@cg/contracts';
import type { MetricsRegistry, StaffPrincipal, StaffTokenService } from '@cg/core';
import { IntakeUnavailableError, type IntakePublisher } from '@cg/queue';
import { intakeUnavailableProblem, parseRequest, problemOf, sendProblem } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { authenticateStaff, currentStaff, requireStaff } from '../http/staff-auth';
import { idempotencyKeyHeaders, idempotencyKeyOf } from '../http/idempotency-key';
import { logWhenFinished } from '../http/request-log';
import { timeRequest } from '../http/metrics';
import { setSecurityHeaders } from '../http/security-headers';

/** Where operators log calls: `hotlineRoutes()` is mounted at HOTLINE_MOUNT, so this is its `/calls`. */
export const HOTLINE_MOUNT = '/api/v1/hotline';
const CALLS_PATH = `${HOTLINE_MOUNT}/calls`;
const PERMISSION = 'hotline:log-call';

interface HotlineDeps {
  publisher: IntakePublisher;
  tokens: StaffTokenService;
}

/**
 * Hotline adapter: an operator's call notes become an intake envelope. It only translates;
 * the worker classifies, routes and writes the case.
 */
export function hotlineRoutes(deps: HotlineDeps): Router {
  const router = Router();

  router.post(
    '/calls',
    apiDoc({
      summary: 'Log a hotline call: the case number at once, the case when the worker has run',
      body: hotlineCallRequestSchema,
      headers: idempotencyKeyHeaders,
      responses: { 202: 'Accepted: durable in the intake queue; the case number is final' },
    }),
    requireStaff(deps.tokens, PERMISSION),
    async (req, res) => {
      const body = await acceptCall(deps.publisher, req, req.body, currentStaff(req), req.log);
      res.status(202).location(body.links.case).json(body);
    },
  );

  return router;
}

/**
 * `POST /api/v1/hotline/calls` served on node's HTTP server ahead of express: the same headers,
 * metrics, request log, JSON parser (the app's own instance), guard, handling and problem
 * documents as the route above, without express's app and router around them. Those were half
 * of a call's CPU (0.69 → 0.24–0.40 ms per call measured by `npm run bench:intake`, issue 12), and the
 * hotline is the channel that takes bursts. Returns false for any other request (another method,
 * path, a query string or a trailing slash): express serves those, with the route above.
 */
export function directHotlineCalls(
  deps: HotlineDeps & { logger: Logger; metrics?: MetricsRegistry; jsonBody: RequestHandler },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const parseJson = deps.jsonBody as unknown as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== CALLS_PATH) return false;
    setSecurityHeaders(res);
    if (deps.metrics) timeRequest(deps.metrics, req, res, () => CALLS_PATH);
    logWhenFinished(deps.logger, req, res, CALLS_PATH);
    const fail = (err: unknown) => {
      if (!res.headersSent) sendProblem(res, problemOf(err, deps.logger, req));
    };
    parseJson(req, res, (parseError) => {
      if (parseError) return fail(parseError);
      authenticateStaff(deps.tokens, req.headers.authorization, PERMISSION)
        .then((operator) => acceptCall(deps.publisher, req, (req as { body?: unknown }).body, operator, deps.logger))
        .then((body) => {
          const json = JSON.stringify(body);
          res.writeHead(202, {
            Location: body.links.case,
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Length': Buffer.byteLength(json),
          });
          res.end(json);
        })
        .catch(fail);
    });
    return true;
  };
}

/** One call: validated, made durable in the intake queue, and the 202's body. Throws problems. */
async function acceptCall(
  publisher: IntakePublisher,
  req: IncomingMessage,
  requestBody: unknown,
  operator: StaffPrincipal,
  log: Logger,
): Promise<HotlineCallAccepted> {
  const call = parseRequest(hotlineCallRequestSchema, requestBody, 'body');
  const clientKey = idempotencyKeyOf(req);
  // Without the operator's call id: the request's Idempotency-Key (the console sends one per
  // action, the same on its retry, so a call whose answer was lost is not recorded twice),
  // else one made here; it is returned so a retry can reuse it. (A key is a valid call id as it is.)
  const callId = call.callId ?? clientKey ?? `srv-${randomUUID()}`;
  let receipt;
  try {
    receipt = await publisher.publish({
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
  // debug: the worker logs 'case received' at info for every case, under the same correlation id
  // (a second info line per call was a ninth of its cost at 2,500 calls/s, issue 12).
  log.debug(
    { correlationId: receipt.envelope.correlationId, caseNumber: receipt.caseNumber, duplicate: receipt.duplicate },
    'hotline call accepted',
  );
  return {
    caseNumber: receipt.caseNumber,
    callId,
    duplicate: receipt.duplicate,
    status: 'accepted',
    links: { case: `/api/v1/cases/${receipt.caseNumber}` },
  };
}
