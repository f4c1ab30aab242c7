/**
 * Every BullMQ queue the system uses, named in one place.
 * Never rename a value: jobs already waiting in Redis are found by these names.
 */
export const QUEUE_NAMES = {
  /** Normalized intake envelopes from every channel adapter, consumed by the intake worker. */
  intake: 'intake',
  /** Delayed deadline checks per case: reminder before the target, escalation at breach. */
  deadlines: 'deadlines',
  /** Housekeeping on a schedule (classifier retraining). */
  maintenance: 'maintenance',
  /** Email going out (receipts, staff replies, notices) and bounces coming back. */
  outbound: 'outbound',
  /** Scanned postal letters to read (OCR), one job per letter; never run in the gateway. */
  ocr: 'ocr',
  /** Automatic fair assignment: one job per case entering a department queue, serialised per department. */
  assignment: 'assignment',
  /** Webhooks: one fan-out job per case event, then one signed HTTP delivery job per endpoint (retried with backoff). */
  webhooks: 'webhooks',
} as const;

export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * Default BullMQ key prefix. The braces are a Redis Cluster hash tag: every key of every
 * queue lands in one slot, which BullMQ's multi-key Lua scripts require on a cluster.
 */
export const DEFAULT_QUEUE_PREFIX = '{cg}';

/** Job names inside the queues (one job kind per name). */
export const JOB_NAMES = {
  intakeEnvelope: 'intake-envelope',
  deadlineCheck: 'deadline-check',
  retrainClassifier: 'retrain-classifier',
  outboundEmail: 'outbound-email',
  inboundBounce: 'inbound-bounce',
  ocrLetter: 'ocr-letter',
  /** Outbound queue: deliver a case's answer on its channel (email, livechat, callback task, print queue). */
  answerDelivery: 'answer-delivery',
  /** Outbound queue: send a closed case's satisfaction survey link on its channel (once per closing). */
  surveyInvite: 'survey-invite',
  /** Assignment queue: give a case that entered a department queue to the least-loaded available member. */
  autoAssign: 'auto-assign',
  /** Webhooks queue: a case event, fanned out to a delivery per subscribed endpoint. */
  webhookEvent: 'webhook-event',
  /** Webhooks queue: one signed POST of one delivery to its endpoint. */
  webhookDelivery: 'webhook-delivery',
  /** Maintenance queue: livechat complaints whose intake failed and whose visitor left get their case. */
  livechatIntakeSweep: 'livechat-intake-sweep',
} as const;
