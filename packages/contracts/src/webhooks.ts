import type { CaseStatus, Channel, Priority } from './domain-values';

/**
 * Webhooks (issue 11): admins register HTTPS endpoints of their CRM for case events; the workers
 * deliver each event signed, retried with backoff, recorded, and re-sendable. Zod-free: the
 * console imports it too. Routes: apps/gateway/src/routes/webhooks.routes.ts; delivery:
 * apps/worker/src/jobs/webhook-*.job.ts.
 */

/** The case events an endpoint may subscribe to, mapped from the case lifecycle's committed changes (@cg/core caseWebhookEvents). */
export const WEBHOOK_EVENT_TYPES = [
  /** A new case was recorded (any channel). */
  'case.received',
  /** The case entered a department's queue (at intake when classified, after triage, a transfer or a reclassification). */
  'case.routed',
  /** Supervisors' attention: a person escalated it, or a deadline passed. */
  'case.escalated',
  /** The customer was answered (the answer issued, or resolved during the contact). */
  'case.answered',
  'case.closed',
  /** The customer came back on a closed or answered case. */
  'case.reopened',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * Headers of every delivery. The signature is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * with the endpoint's secret (as the common payment providers sign theirs): receivers recompute it
 * over the raw body, compare in constant time and refuse a `t` older than a few minutes (replays).
 */
export const WEBHOOK_HEADERS = {
  signature: 'X-CG-Signature',
  /** Same on every retry of one delivery: receivers dedupe on it. */
  deliveryId: 'X-CG-Delivery-Id',
  /** Same for every delivery of one event (also a re-send): the event's identity. */
  eventId: 'X-CG-Event-Id',
  eventType: 'X-CG-Event',
} as const;

/** The case as a webhook shows it: summary fields only — never internal notes, the journal, the body or contact details. */
export interface WebhookCaseSummary {
  caseNumber: string;
  channel: Channel;
  status: CaseStatus;
  department: string;
  priority: Priority;
  subject?: string;
  /** The company's customer account id, when the customer gave it (no name, phone or e-mail). */
  customerId?: string;
  receivedAt: string;
  /** Due dates (Vietnam calendar days, YYYY-MM-DD): the target and the legal cap. */
  targetDueDate?: string;
  capDueDate?: string;
  escalated: boolean;
  reopenCount: number;
  answeredAt?: string;
  closedAt?: string;
  /** The case's version after the change. */
  version: number;
}

/** The body of a delivery (JSON). */
export interface WebhookEvent {
  /** Stable per (case, version, type): the same change reported twice is one event. */
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  /** The lifecycle action that caused it (e.g. `deliver` for case.answered). */
  action: string;
  case: WebhookCaseSummary;
  /** Where the case was before the change (absent for case.received). */
  previous?: { status: CaseStatus; department: string };
}

/** A test ping an admin sends to a new endpoint (same signing, type `ping`). */
export const WEBHOOK_PING_TYPE = 'ping';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** A registered endpoint as the admin API shows it (never its secret, except once in WebhookEndpointCreated). */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description?: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** Final failures in a row (a delivery that succeeds resets it). */
  consecutiveFailures: number;
  /** Set when the system disabled it (too many failures in a row) or an admin did. */
  disabledAt?: string;
  disabledReason?: string;
  /** True when the system disabled it and no admin has looked yet: the admin screen shows a notice. */
  needsAttention: boolean;
  createdBy?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** The answer to creating an endpoint or rotating its secret: the secret, shown this once. */
export interface WebhookEndpointCreated {
  endpoint: WebhookEndpointView;
  secret: string;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  caseNumber?: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  responseCode?: number;
  lastError?: string;
  /** Set on a re-send: the delivery it repeats. */
  resendOf?: string;
  createdAt?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  payload: unknown;
}
