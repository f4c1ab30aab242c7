import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES } from '@cg/contracts';
import type { CaseLock, MetricsRegistry } from '@cg/core';
import type { Database } from '@cg/db';
import type { WebhookSettings } from '@cg/config';
import type { WebhooksQueue } from '@cg/queue';
import { webhookDeliveryHandler } from '../jobs/webhook-delivery.job';
import { webhookEventHandler } from '../jobs/webhook-event.job';

/** The `webhooks` queue's processor: case events fanned out to deliveries, and the deliveries sent. */
export function webhooksProcessor(deps: {
  db: Database;
  queue: WebhooksQueue;
  lock: CaseLock;
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
    settings: deps.settings,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    logger: deps.logger,
  });
  return (job: Job<unknown>) => (job.name === JOB_NAMES.webhookEvent ? fanOut(job) : deliver(job));
}
