import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CASE_STATUSES, JOB_NAMES, WEBHOOK_EVENT_TYPES, type WebhookEvent } from '@cg/contracts';
import type { Database } from '@cg/db';
import { queueWebhookDelivery, type WebhooksQueue } from '@cg/queue';

export const WEBHOOK_EVENT_JOB = JOB_NAMES.webhookEvent;

/** A case event as the lifecycle's hook queued it (@cg/core caseWebhookEvents). */
export const webhookEventJobSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  occurredAt: z.iso.datetime(),
  action: z.string().min(1).max(60),
  case: z.looseObject({ caseNumber: z.string().min(1), status: z.enum(CASE_STATUSES) }),
  previous: z.object({ status: z.enum(CASE_STATUSES), department: z.string() }).optional(),
});

export interface WebhookEventDeps {
  db: Pick<Database, 'webhookEndpoints' | 'webhookDeliveries' | 'webhookOutbox'>;
  queue: WebhooksQueue;
  retry: { attempts: number; backoffMs: number };
  logger: Logger;
}

/**
 * Fans one case event out: a delivery record per enabled endpoint subscribed to its type (unique
 * key endpoint + event, so a retried job or a repeated event makes none twice), each queued as a
 * `webhook-delivery` job (jobId per delivery: re-adding is a no-op). A delivery already settled
 * is not queued again. An endpoint registered after the event does not get it. Then the event's
 * row leaves the webhook outbox (@cg/queue webhook-outbox.ts).
 */
export function webhookEventHandler(deps: WebhookEventDeps) {
  return async (job: Job<unknown>): Promise<{ eventId: string; deliveries: number }> => {
    const parsed = webhookEventJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(
        `invalid webhook event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const event = job.data as WebhookEvent;
    const endpoints = await deps.db.webhookEndpoints.enabledFor(event.type);
    const body = JSON.stringify(event);
    for (const endpoint of endpoints) {
      const { record } = await deps.db.webhookDeliveries.insertIfAbsent({
        key: `${endpoint.id}:${event.id}`,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        caseNumber: event.case.caseNumber,
        body,
      });
      if (record.status === 'pending') await queueWebhookDelivery(deps.queue, record.id, deps.retry);
    }
    // Fanned out: the event leaves the outbox (the relay would otherwise queue it again, a no-op on the deliveries' keys).
    await deps.db.webhookOutbox.remove(event.id);
    if (endpoints.length)
      deps.logger.debug({ eventId: event.id, caseNumber: event.case.caseNumber, endpoints: endpoints.length }, 'webhook event fanned out');
    return { eventId: event.id, deliveries: endpoints.length };
  };
}
