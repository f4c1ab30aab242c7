import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { JOB_NAMES, WEBHOOK_HEADERS } from '@cg/contracts';
import { signWebhookBody, updateSerialised, type CaseLock, type MetricsRegistry, type WebhookTargetPolicy } from '@cg/core';
import type { Database, StoredWebhookEndpoint } from '@cg/db';
import { postWebhook, WebhookTargetRefused, type WebhookHttpAnswer } from '../webhooks/webhook-http';

export const WEBHOOK_DELIVERY_JOB = JOB_NAMES.webhookDelivery;
export const webhookDeliveryJobSchema = z.object({ deliveryId: z.string().regex(/^[0-9a-f]{24}$/) }).strict();

export interface WebhookDeliveryDeps {
  db: Pick<Database, 'webhookEndpoints' | 'webhookDeliveries'>;
  /** Leases of admin-edited documents (the gateway's admin lock prefix): endpoints are changed by admins and by this job. */
  lock: CaseLock;
  /** After a write that may enable or disable the endpoint (the processes' cached copies: CachedWebhookSubscriptions). */
  endpointsChanged: () => Promise<void>;
  settings: { timeoutMs: number; disableAfterFailures: number; policy: WebhookTargetPolicy };
  metrics?: MetricsRegistry;
  logger: Logger;
  now?: () => Date;
}

export type WebhookDeliveryOutcome = 'delivered' | 'failed' | 'skipped' | 'nothing-to-do';

/**
 * Sends one delivery, signed (`X-CG-Signature: t=…,v1=HMAC-SHA256("<t>.<body>")` with the
 * endpoint's secret, signed again at each try so `t` is fresh), with its delivery id for the
 * receiver's dedupe. A 2xx answer delivers it. Anything else throws, and BullMQ retries with
 * exponential backoff (WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_MS); every try is recorded on the
 * delivery (its only writer). The last try records it `failed` and counts a final failure on the
 * endpoint: WEBHOOK_DISABLE_AFTER_FAILURES in a row disable it (log line, metric, and a notice on
 * the admin screen). The job then completes rather than fails: a receiver being down is recorded
 * on the delivery and re-sent by an admin, not a dead letter of ours. A disabled endpoint's
 * pending deliveries are `skipped`.
 */
export function webhookDeliveryHandler(deps: WebhookDeliveryDeps) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job<unknown>): Promise<{ deliveryId: string; outcome: WebhookDeliveryOutcome }> => {
    const parsed = webhookDeliveryJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid webhook-delivery job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { deliveryId } = parsed.data;
    const delivery = await deps.db.webhookDeliveries.findById(deliveryId);
    if (!delivery || delivery.status !== 'pending') return { deliveryId, outcome: 'nothing-to-do' };
    const endpoint = await deps.db.webhookEndpoints.find(delivery.endpointId);
    const secret = endpoint?.enabled ? await deps.db.webhookEndpoints.secretOf(endpoint.id) : null;
    const attempts = job.attemptsMade + 1;
    if (!endpoint || !endpoint.enabled || !secret) {
      await deps.db.webhookDeliveries.recordAttempt(deliveryId, {
        status: 'skipped',
        attempts: delivery.attempts,
        lastAttemptAt: now(),
        lastError: endpoint ? 'the endpoint is disabled' : 'the endpoint was removed',
      });
      deps.metrics?.inc('webhook_deliveries_total', { outcome: 'skipped' });
      return { deliveryId, outcome: 'skipped' };
    }
    const log = deps.logger.child({ deliveryId, endpointId: endpoint.id, eventId: delivery.eventId, caseNumber: delivery.caseNumber });
    let answer: WebhookHttpAnswer | undefined;
    let failure: string | undefined;
    let permanent = false;
    try {
      answer = await postWebhook(
        new URL(endpoint.url),
        delivery.body,
        {
          'Content-Type': 'application/json; charset=utf-8',
          'User-Agent': 'complaint-gateway-webhooks/1',
          [WEBHOOK_HEADERS.signature]: signWebhookBody(secret, delivery.body, now()),
          [WEBHOOK_HEADERS.deliveryId]: delivery.id,
          [WEBHOOK_HEADERS.eventId]: delivery.eventId,
          [WEBHOOK_HEADERS.eventType]: delivery.eventType,
        },
        deps.settings,
      );
      if (answer.status < 200 || answer.status > 299)
        failure = `HTTP ${answer.status}${answer.bodyStart ? `: ${answer.bodyStart.slice(0, 200)}` : ''}`;
    } catch (err) {
      failure = (err as Error).message || String(err);
      permanent = err instanceof WebhookTargetRefused;
    }
    const at = now();
    if (!failure) {
      await deps.db.webhookDeliveries.recordAttempt(deliveryId, {
        status: 'delivered',
        attempts,
        lastAttemptAt: at,
        deliveredAt: at,
        responseCode: answer!.status,
      });
      deps.metrics?.inc('webhook_deliveries_total', { outcome: 'delivered' });
      if (endpoint.consecutiveFailures > 0) await resetFailures(deps, endpoint);
      log.info({ try: attempts, status: answer!.status }, 'webhook delivered');
      return { deliveryId, outcome: 'delivered' };
    }
    const last = permanent || attempts >= (job.opts.attempts ?? 1);
    await deps.db.webhookDeliveries.recordAttempt(deliveryId, {
      status: last ? 'failed' : 'pending',
      attempts,
      lastAttemptAt: at,
      lastError: failure.slice(0, 500),
      ...(answer ? { responseCode: answer.status } : {}),
    });
    log.warn({ try: attempts, last, err: failure }, 'webhook delivery failed');
    if (!last) throw new Error(`webhook delivery ${deliveryId} failed: ${failure}`);
    deps.metrics?.inc('webhook_deliveries_total', { outcome: 'failed' });
    await countFinalFailure(deps, endpoint, failure, at, log);
    return { deliveryId, outcome: 'failed' };
  };
}

const endpointKey = (id: string) => `webhook-endpoint:${id}`;

async function resetFailures(deps: WebhookDeliveryDeps, endpoint: StoredWebhookEndpoint): Promise<void> {
  await updateSerialised({
    lock: deps.lock,
    key: endpointKey(endpoint.id),
    read: () => deps.db.webhookEndpoints.find(endpoint.id),
    decide: (cur) => (cur.consecutiveFailures === 0 ? null : { consecutiveFailures: 0 }),
    write: (v, set) => deps.db.webhookEndpoints.writeIfVersion(endpoint.id, v, set),
  }).catch((err: Error) => deps.logger.warn({ endpointId: endpoint.id, err: err.message }, 'webhook failure count not reset'));
}

/** One more final failure in a row; at the threshold the endpoint is disabled and admins are told. */
async function countFinalFailure(
  deps: WebhookDeliveryDeps,
  endpoint: StoredWebhookEndpoint,
  failure: string,
  at: Date,
  log: Logger,
): Promise<void> {
  const threshold = deps.settings.disableAfterFailures;
  const { record, changed } = await updateSerialised({
    lock: deps.lock,
    key: endpointKey(endpoint.id),
    read: () => deps.db.webhookEndpoints.find(endpoint.id),
    decide: (cur) => {
      const n = cur.consecutiveFailures + 1;
      if (!cur.enabled || n < threshold) return { consecutiveFailures: n };
      return {
        consecutiveFailures: n,
        enabled: false,
        disabledAt: at,
        disabledBy: 'system',
        disabledReason: `${n} deliveries in a row failed after every retry (last: ${failure.slice(0, 200)})`,
        needsAttention: true,
      };
    },
    write: (v, set) => deps.db.webhookEndpoints.writeIfVersion(endpoint.id, v, set).finally(deps.endpointsChanged),
  });
  if (changed && record && !record.enabled && record.needsAttention && record.disabledAt?.getTime() === at.getTime()) {
    deps.metrics?.inc('webhook_endpoints_disabled_total', {});
    log.error(
      { url: record.url, consecutiveFailures: record.consecutiveFailures, reason: record.disabledReason },
      'webhook endpoint disabled after consecutive failed deliveries: an admin must look at it (admin screen, Webhooks)',
    );
  }
}
