import type { Types } from 'mongoose';
import type { WebhookDeliveryStatus } from '@cg/contracts';
import { isDuplicateKeyError } from '../connection';
import { repositoryOf } from '../repository';
import { webhookDeliverySchema, type WebhookDeliveryDocument } from './schema';

export interface StoredWebhookDelivery {
  id: string;
  key: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  caseNumber?: string;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  responseCode?: number;
  lastError?: string;
  lastAttemptAt?: Date;
  deliveredAt?: Date;
  resendOf?: string;
  requestedBy?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

export type NewWebhookDelivery = Pick<StoredWebhookDelivery, 'key' | 'endpointId' | 'eventId' | 'eventType' | 'body'> &
  Partial<Pick<StoredWebhookDelivery, 'caseNumber' | 'resendOf' | 'requestedBy'>>;

/** What the delivery job records after each try. */
export type WebhookAttemptRecord = Pick<StoredWebhookDelivery, 'status' | 'attempts' | 'lastAttemptAt'> &
  Partial<Pick<StoredWebhookDelivery, 'responseCode' | 'lastError' | 'deliveredAt'>>;

type Row = WebhookDeliveryDocument & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

function toDelivery(r: Row): StoredWebhookDelivery {
  const optional = <K extends keyof Row>(k: K) => (r[k] !== undefined && r[k] !== null ? { [k]: r[k] } : {});
  return {
    id: String(r._id),
    key: r.key,
    endpointId: r.endpointId,
    eventId: r.eventId,
    eventType: r.eventType,
    body: r.body,
    status: r.status,
    attempts: r.attempts ?? 0,
    ...optional('caseNumber'),
    ...optional('responseCode'),
    ...optional('lastError'),
    ...optional('lastAttemptAt'),
    ...optional('deliveredAt'),
    ...optional('resendOf'),
    ...optional('requestedBy'),
    ...optional('createdAt'),
    ...optional('updatedAt'),
  };
}

const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

export class WebhookDeliveryRepository extends repositoryOf<WebhookDeliveryDocument>('WebhookDelivery', webhookDeliverySchema) {
  /** Records the delivery as pending unless its key exists; returns the row either way. */
  async insertIfAbsent(doc: NewWebhookDelivery): Promise<{ record: StoredWebhookDelivery; created: boolean }> {
    try {
      const created = await this.model.create({ ...doc, status: 'pending', attempts: 0 });
      return { record: toDelivery(created.toObject()), created: true };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.model.findOne({ key: doc.key }).lean<Row>().exec();
      if (!existing) throw err;
      return { record: toDelivery(existing), created: false };
    }
  }

  async findById(id: string): Promise<StoredWebhookDelivery | null> {
    if (!isId(id)) return null;
    const row = await this.model.findById(id).lean<Row>().exec();
    return row ? toDelivery(row) : null;
  }

  /** Newest first; an endpoint's, or every endpoint's; optionally one event's or one status. */
  async list(filter: {
    endpointId?: string;
    eventId?: string;
    status?: WebhookDeliveryStatus;
    limit: number;
  }): Promise<StoredWebhookDelivery[]> {
    const q: Record<string, string> = {};
    if (filter.endpointId) q.endpointId = filter.endpointId;
    if (filter.eventId) q.eventId = filter.eventId;
    if (filter.status) q.status = filter.status;
    const rows = await this.model.find(q).sort({ createdAt: -1, _id: -1 }).limit(filter.limit).lean<Row[]>().exec();
    return rows.map(toDelivery);
  }

  /** How many re-sends a delivery has had (the next re-send's key). */
  async resendCount(id: string): Promise<number> {
    return this.model.countDocuments({ resendOf: id }).exec();
  }

  /** The delivery job's record of a try (its only writer). */
  async recordAttempt(id: string, set: WebhookAttemptRecord): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: set }).exec();
  }
}
