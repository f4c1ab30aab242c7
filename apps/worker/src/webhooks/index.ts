import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES } from '@cg/contracts';
import { every, type CaseLock, type MetricsRegistry, type Periodic } from '@cg/core';
import type { Database } from '@cg/db';
import type { WebhookSettings } from '@cg/config';
import { relayPendingWebhookEvents, type WebhooksQueue } from '@cg/queue';
import { webhookDeliveryHandler } from '../jobs/webhook-delivery.job';
import { webhookEventHandler } from '../jobs/webhook-event.job';

/** The `webhooks` queue's processor: case events fanned out to deliveries, and the deliveries sent. */
export function webhooksProcessor(deps: {
  db: Database;
  queue: WebhooksQueue;
  lock: CaseLock;
  /** After the delivery job changes an endpoint (CachedWebhookSubscriptions). */
  endpointsChanged: () => Promise<void>;
  settings: WebhookSettings;
  metrics?: MetricsRegistry;
  logger: Logger;
}) {
  const fanOut = webhookEventHandler({
    db: deps.db,
    queue: deps.queue,
    retry: { attempts: deps.settings.attempts, backoffMs: deps.settings.backoffMs },
    logger: deps.logger,
  });
  const deliver = webhookDeliveryHandler({
    db: deps.db,
    lock: deps.lock,
    endpointsChanged: deps.endpointsChanged,
    settings: deps.settings,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    logger: deps.logger,
  });
  return (job: Job<unknown>) => (job.name === JOB_NAMES.webhookEvent ? fanOut(job) : deliver(job));
}

/**
 * The webhook outbox's relay: every `intervalMs`, case events recorded but not fanned out for at
 * least twice that long (at least 2 s: a fresh event's own job is usually running) are queued
 * again — their job was refused by Redis, or their process stopped before adding it. Every worker
 * runs it; the events' job ids make a second add a no-op.
 */
export function startWebhookOutboxRelay(deps: { db: Database; queue: WebhooksQueue; intervalMs: number; logger: Logger }): Periodic {
  const olderThanMs = Math.max(2000, 2 * deps.intervalMs);
  return every(
    deps.intervalMs,
    async () => {
      const queued = await relayPendingWebhookEvents(deps.queue, deps.db.webhookOutbox, { olderThanMs, limit: 500 });
      if (queued) deps.logger.info({ queued }, 'webhook events queued from the outbox');
    },
    (err) => deps.logger.warn({ err: err.message }, 'webhook outbox relay failed; the next sweep retries'),
  );
}
