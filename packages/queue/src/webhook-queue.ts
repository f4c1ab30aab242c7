import { Queue } from 'bullmq';
import type { RedisClient } from './redis-connections';
import { JOB_NAMES, QUEUE_NAMES, type WebhookEvent } from '@cg/contracts';
import { DEFAULT_JOB_OPTIONS, safeJobId } from './queues';

/** The webhook-delivery job's payload: thin, the delivery record's id (its body lives in MongoDB). */
export interface WebhookDeliveryJobData {
  deliveryId: string;
}

export type WebhooksQueue = Queue<WebhookEvent | WebhookDeliveryJobData>;

/** The `webhooks` queue: case events to fan out, and deliveries to send. */
export function createWebhooksQueue(connection: RedisClient, prefix: string, opts: { failFast?: boolean } = {}): WebhooksQueue {
  return new Queue<WebhookEvent | WebhookDeliveryJobData>(QUEUE_NAMES.webhooks, {
    connection,
    prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
    skipWaitingForReady: opts.failFast ?? false,
  });
}

/**
 * Adds a case event to fan out to the endpoints subscribed to it (job `webhook-event`). The jobId
 * is the event's id, so the same committed change reported twice is one job while it exists; the
 * deliveries' unique key (endpoint, event) is the lasting guard.
 */
export async function queueWebhookEvent(queue: WebhooksQueue, event: WebhookEvent): Promise<void> {
  await queue.add(JOB_NAMES.webhookEvent, event, { jobId: webhookEventJobId(event.id) });
}

/** The `webhook-event` job of an event (the same id, whoever adds it: the publisher or the outbox relay). */
export const webhookEventJobId = (eventId: string): string => safeJobId('whe', eventId);

/**
 * Queues one delivery (job `webhook-delivery`, jobId per delivery record: adding it twice is a
 * no-op). Tries and the first backoff (doubling, with jitter) are the WEBHOOK_* settings.
 */
export async function queueWebhookDelivery(
  queue: WebhooksQueue,
  deliveryId: string,
  retry: { attempts: number; backoffMs: number },
): Promise<void> {
  await queue.add(
    JOB_NAMES.webhookDelivery,
    { deliveryId },
    {
      ...DEFAULT_JOB_OPTIONS,
      attempts: retry.attempts,
      backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
      jobId: safeJobId('whd', deliveryId),
    },
  );
}
