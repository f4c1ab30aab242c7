import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  type WebhookDeliveryView,
  type WebhookEndpointCreated,
  type WebhookEndpointView,
} from '@cg/contracts';
import { checkWebhookUrl, newWebhookSecret, RecordBusy, updateSerialised, type CaseLock, type StaffTokenService } from '@cg/core';
import type { Database, StoredWebhookDelivery, StoredWebhookEndpoint, WebhookEndpointChange } from '@cg/db';
import type { WebhookSettings } from '@cg/config';
import { queueWebhookDelivery, type WebhooksQueue } from '@cg/queue';
import { apiDoc } from '../http/api-doc';
import { HttpProblem, parseRequest } from '../http/problem';
import { currentStaff, requireStaff } from '../http/staff-auth';

export function webhookEndpointView(e: StoredWebhookEndpoint): WebhookEndpointView {
  return {
    id: e.id,
    url: e.url,
    ...(e.description ? { description: e.description } : {}),
    events: e.events,
    enabled: e.enabled,
    consecutiveFailures: e.consecutiveFailures,
    ...(e.disabledAt ? { disabledAt: e.disabledAt.toISOString() } : {}),
    ...(e.disabledReason ? { disabledReason: e.disabledReason } : {}),
    needsAttention: e.needsAttention,
    ...(e.createdBy ? { createdBy: e.createdBy } : {}),
    ...(e.createdAt ? { createdAt: e.createdAt.toISOString() } : {}),
    ...(e.updatedAt ? { updatedAt: e.updatedAt.toISOString() } : {}),
  };
}

export function webhookDeliveryView(d: StoredWebhookDelivery): WebhookDeliveryView {
  let payload: unknown;
  try {
    payload = JSON.parse(d.body);
  } catch {
    payload = d.body;
  }
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    ...(d.caseNumber ? { caseNumber: d.caseNumber } : {}),
    status: d.status,
    attempts: d.attempts,
    ...(d.responseCode !== undefined ? { responseCode: d.responseCode } : {}),
    ...(d.lastError ? { lastError: d.lastError } : {}),
    ...(d.resendOf ? { resendOf: d.resendOf } : {}),
    ...(d.createdAt ? { createdAt: d.createdAt.toISOString() } : {}),
    ...(d.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt.toISOString() } : {}),
    ...(d.deliveredAt ? { deliveredAt: d.deliveredAt.toISOString() } : {}),
    payload,
  };
}

export interface WebhookRoutesDeps {
  tokens: StaffTokenService;
  db: Pick<Database, 'webhookEndpoints' | 'webhookDeliveries'>;
  /** The admin routes' leases: endpoints are also written by the worker's delivery job (failure count, disabling). */
  lock: CaseLock;
  /** After each write of an endpoint (the processes' cached copies: CachedWebhookSubscriptions). */
  endpointsChanged: () => Promise<void>;
  queue: WebhooksQueue;
  settings: WebhookSettings;
}

const idParams = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'an id of 24 hexadecimal characters') }).strict();
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES), { error: `a list of event types: ${WEBHOOK_EVENT_TYPES.join(', ')}` })
  .min(1, 'at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, 'each event type once');
const description = z.string().trim().max(200);
const emptyBody = z.object({}).strict();
const deliveriesQuery = z
  .object({
    endpointId: z
      .string()
      .regex(/^[0-9a-f]{24}$/, 'an endpoint id')
      .optional(),
    eventId: z.string().min(1).max(200).optional(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/**
 * /api/v1/admin/webhooks (admins only: `webhooks:manage`): register HTTPS endpoints for case
 * events, change or disable them, rotate their secret (shown once, like at creation), read the
 * deliveries and re-send one. Changes of an endpoint go through its lease (updateSerialised):
 * the worker's delivery job writes the same document (failures in a row, disabling).
 */
export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const router = Router();
  const by = (req: Parameters<typeof currentStaff>[0]) => currentStaff(req).email;
  const url = z
    .string({ error: 'the endpoint URL' })
    .trim()
    .max(2048)
    .superRefine((raw, ctx) => {
      const checked = checkWebhookUrl(raw, deps.settings.policy);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.reason });
    });
  const createBody = z.object({ url, events, description: description.optional() }).strict();
  const changeBody = z
    .object({
      url: url.optional(),
      events: events.optional(),
      description: description.optional(),
      enabled: z.boolean({ error: 'true or false' }).optional(),
    })
    .strict()
    .refine((b) => Object.keys(b).length > 0, { message: 'change at least one of url, events, description, enabled' });

  const endpointOr404 = async (id: string) => {
    const found = await deps.db.webhookEndpoints.find(id);
    if (!found) throw new HttpProblem(404, 'not_found', 'Unknown webhook endpoint', `no endpoint ${id}`);
    return found;
  };
  const change = (id: string, decide: (cur: StoredWebhookEndpoint) => WebhookEndpointChange | null) =>
    updateSerialised({
      lock: deps.lock,
      key: `webhook-endpoint:${id}`,
      read: () => deps.db.webhookEndpoints.find(id),
      decide,
      write: (v, set) => deps.db.webhookEndpoints.writeIfVersion(id, v, set).finally(deps.endpointsChanged),
    });

  router.get(
    '/',
    apiDoc({
      summary: 'Webhook endpoints (without their secrets), the event types, and the endpoints the system disabled',
      tag: 'webhooks',
    }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (_req, res) => {
      const items = (await deps.db.webhookEndpoints.list()).map(webhookEndpointView);
      res.json({ items, eventTypes: WEBHOOK_EVENT_TYPES, needingAttention: items.filter((e) => e.needsAttention) });
    },
  );

  router.post(
    '/',
    apiDoc({
      summary: 'Register an endpoint for case events (its signing secret is answered this once)',
      tag: 'webhooks',
      body: createBody,
      responses: { 201: 'The endpoint and its secret' },
    }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const b = parseRequest(createBody, req.body ?? {}, 'body');
      const secret = newWebhookSecret();
      const endpoint = await deps.db.webhookEndpoints.create({
        url: b.url,
        events: b.events,
        ...(b.description ? { description: b.description } : {}),
        secret,
        createdBy: by(req),
      });
      await deps.endpointsChanged();
      const answer: WebhookEndpointCreated = { endpoint: webhookEndpointView(endpoint), secret };
      res.status(201).json(answer);
    },
  );

  // Before '/:id', which would take "deliveries" for an id.
  router.get(
    '/deliveries',
    apiDoc({ summary: 'Webhook deliveries, newest first (of one endpoint, event or status)', tag: 'webhooks', query: deliveriesQuery }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const q = parseRequest(deliveriesQuery, req.query, 'query');
      const items = await deps.db.webhookDeliveries.list({
        limit: q.limit,
        ...(q.endpointId ? { endpointId: q.endpointId } : {}),
        ...(q.eventId ? { eventId: q.eventId } : {}),
        ...(q.status ? { status: q.status } : {}),
      });
      res.json({ items: items.map(webhookDeliveryView) });
    },
  );

  router.get(
    '/deliveries/:id',
    apiDoc({ summary: 'One webhook delivery: its payload, tries, last answer', tag: 'webhooks', params: idParams }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const { id } = parseRequest(idParams, req.params, 'params');
      const delivery = await deps.db.webhookDeliveries.findById(id);
      if (!delivery) throw new HttpProblem(404, 'not_found', 'Unknown webhook delivery', `no delivery ${id}`);
      res.json(webhookDeliveryView(delivery));
    },
  );

  router.post(
    '/deliveries/:id/resend',
    apiDoc({
      summary: 'Send a delivery again: a new delivery of the same event and body (same event id, new delivery id), queued at once',
      tag: 'webhooks',
      params: idParams,
      body: emptyBody,
      responses: { 202: 'The new delivery (pending)' },
    }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const { id } = parseRequest(idParams, req.params, 'params');
      parseRequest(emptyBody, req.body ?? {}, 'body');
      const original = await deps.db.webhookDeliveries.findById(id);
      if (!original) throw new HttpProblem(404, 'not_found', 'Unknown webhook delivery', `no delivery ${id}`);
      const endpoint = await endpointOr404(original.endpointId);
      if (!endpoint.enabled) {
        throw new HttpProblem(
          409,
          'endpoint_disabled',
          'The endpoint is disabled',
          'Enable the endpoint first, then send the delivery again.',
        );
      }
      const root = original.resendOf ?? original.id;
      const n = (await deps.db.webhookDeliveries.resendCount(root)) + 1;
      const { record } = await deps.db.webhookDeliveries.insertIfAbsent({
        key: `${original.endpointId}:${original.eventId}:resend:${root}:${n}:${Date.now()}`,
        endpointId: original.endpointId,
        eventId: original.eventId,
        eventType: original.eventType,
        body: original.body,
        resendOf: root,
        requestedBy: by(req),
        ...(original.caseNumber ? { caseNumber: original.caseNumber } : {}),
      });
      try {
        await queueWebhookDelivery(deps.queue, record.id, { attempts: deps.settings.attempts, backoffMs: deps.settings.backoffMs });
      } catch {
        throw new HttpProblem(503, 'queue_unavailable', 'Not queued', 'The queue did not answer: send it again in a moment.');
      }
      res.status(202).json(webhookDeliveryView(record));
    },
  );

  router.get(
    '/:id',
    apiDoc({ summary: 'One webhook endpoint (without its secret)', tag: 'webhooks', params: idParams }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const { id } = parseRequest(idParams, req.params, 'params');
      res.json(webhookEndpointView(await endpointOr404(id)));
    },
  );

  router.patch(
    '/:id',
    apiDoc({
      summary: 'Change an endpoint’s URL, events or description, or disable / enable it (enabling clears its failure count)',
      tag: 'webhooks',
      params: idParams,
      body: changeBody,
    }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const { id } = parseRequest(idParams, req.params, 'params');
      const b = parseRequest(changeBody, req.body ?? {}, 'body');
      const admin = by(req);
      const { record } = await change(id, (cur) => {
        const set: WebhookEndpointChange = {};
        if (b.url !== undefined && b.url !== cur.url) set.url = b.url;
        if (b.events !== undefined && b.events.join() !== cur.events.join()) set.events = b.events;
        if (b.description !== undefined && b.description !== (cur.description ?? '')) set.description = b.description;
        if (b.enabled === true && !cur.enabled) Object.assign(set, { enabled: true, consecutiveFailures: 0, disabledAt: null });
        if (b.enabled === false && cur.enabled)
          Object.assign(set, { enabled: false, disabledAt: new Date(), disabledBy: admin, disabledReason: `disabled by ${admin}` });
        // An admin who looked at a system-disabled endpoint (kept it off or turned it on) has been told.
        if (cur.needsAttention) set.needsAttention = false;
        return Object.keys(set).length ? { ...set, updatedBy: admin } : null;
      });
      if (!record) throw new HttpProblem(404, 'not_found', 'Unknown webhook endpoint', `no endpoint ${id}`);
      res.json(webhookEndpointView(record));
    },
  );

  router.post(
    '/:id/secret',
    apiDoc({
      summary: 'Rotate an endpoint’s signing secret (the new one is answered this once; the old one stops at once)',
      tag: 'webhooks',
      params: idParams,
      body: emptyBody,
    }),
    requireStaff(deps.tokens, 'webhooks:manage'),
    async (req, res) => {
      const { id } = parseRequest(idParams, req.params, 'params');
      parseRequest(emptyBody, req.body ?? {}, 'body');
      const secret = newWebhookSecret();
      const { record } = await change(id, () => ({ secret, updatedBy: by(req) }));
      if (!record) throw new HttpProblem(404, 'not_found', 'Unknown webhook endpoint', `no endpoint ${id}`);
      const answer: WebhookEndpointCreated = { endpoint: webhookEndpointView(record), secret };
      res.json(answer);
    },
  );

  router.use(webhookProblems);
  return router;
}

const webhookProblems: ErrorRequestHandler = (err, _req, _res, next) => {
  if (err instanceof RecordBusy) return next(new HttpProblem(409, 'busy', 'Changed by someone else at the same moment', err.message));
  next(err);
};
