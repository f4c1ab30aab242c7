import { Types } from 'mongoose';
import type { WebhookEventType } from '@cg/contracts';
import type { VersionedRecord } from '@cg/core';
import { repositoryOf } from '../repository';
import { webhookEndpointSchema, type WebhookEndpointDocument } from './schema';

/** An endpoint as stored, without its secret. */
export interface StoredWebhookEndpoint extends VersionedRecord {
  id: string;
  url: string;
  description?: string;
  events: WebhookEventType[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledAt?: Date;
  disabledReason?: string;
  disabledBy?: string;
  needsAttention: boolean;
  createdBy?: string;
  updatedBy?: string;
  createdAt?: Date;
  updatedAt?: Date;
}

/** What an admin or the delivery job may change (under the endpoint's lease). */
export type WebhookEndpointChange = Partial<
  Pick<
    StoredWebhookEndpoint,
    'url' | 'description' | 'events' | 'enabled' | 'consecutiveFailures' | 'disabledReason' | 'disabledBy' | 'needsAttention' | 'updatedBy'
  > & { disabledAt: Date | null; secret: string }
>;

type Row = WebhookEndpointDocument & { _id: Types.ObjectId; createdAt?: Date; updatedAt?: Date };

const WITHOUT_SECRET = { secret: 0 } as const;

function toEndpoint(r: Row): StoredWebhookEndpoint {
  return {
    id: String(r._id),
    url: r.url,
    ...(r.description ? { description: r.description } : {}),
    events: r.events as WebhookEventType[],
    enabled: r.enabled,
    consecutiveFailures: r.consecutiveFailures ?? 0,
    ...(r.disabledAt ? { disabledAt: r.disabledAt } : {}),
    ...(r.disabledReason ? { disabledReason: r.disabledReason } : {}),
    ...(r.disabledBy ? { disabledBy: r.disabledBy } : {}),
    needsAttention: r.needsAttention ?? false,
    ...(r.createdBy ? { createdBy: r.createdBy } : {}),
    ...(r.updatedBy ? { updatedBy: r.updatedBy } : {}),
    ...(r.createdAt ? { createdAt: r.createdAt } : {}),
    ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
    version: r.version ?? 0,
    ...(r.writeId ? { writeId: r.writeId } : {}),
  };
}

const isId = (id: string) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/.test(id);

/** Webhook endpoints (admin-registered). Changes after the insert: `writeIfVersion` under the endpoint's lease. */
export class WebhookEndpointRepository extends repositoryOf<WebhookEndpointDocument>('WebhookEndpoint', webhookEndpointSchema) {
  async create(doc: {
    url: string;
    description?: string;
    events: WebhookEventType[];
    secret: string;
    createdBy: string;
  }): Promise<StoredWebhookEndpoint> {
    const created = await this.model.create({ ...doc, enabled: true, consecutiveFailures: 0, needsAttention: false, version: 0 });
    return toEndpoint(created.toObject());
  }

  async list(): Promise<StoredWebhookEndpoint[]> {
    const rows = await this.model.find({}, WITHOUT_SECRET).sort({ createdAt: 1 }).lean<Row[]>().exec();
    return rows.map(toEndpoint);
  }

  async find(id: string): Promise<StoredWebhookEndpoint | null> {
    if (!isId(id)) return null;
    const row = await this.model.findById(id, WITHOUT_SECRET).lean<Row>().exec();
    return row ? toEndpoint(row) : null;
  }

  /** The signing key (the delivery job only). */
  async secretOf(id: string): Promise<string | null> {
    if (!isId(id)) return null;
    const row = await this.model.findById(id, { secret: 1 }).lean<{ secret: string }>().exec();
    return row?.secret ?? null;
  }

  /** The enabled endpoints subscribed to this event type (the fan-out). */
  async enabledFor(type: WebhookEventType): Promise<StoredWebhookEndpoint[]> {
    const rows = await this.model.find({ enabled: true }, WITHOUT_SECRET).lean<Row[]>().exec();
    return rows.map(toEndpoint).filter((e) => e.events.includes(type));
  }

  /** The event types some enabled endpoint takes (the publisher skips events no one takes; read through CachedWebhookSubscriptions). */
  async enabledEventTypes(): Promise<Set<WebhookEventType>> {
    const rows = await this.model.find({ enabled: true }, { events: 1 }).lean<Array<{ events: WebhookEventType[] }>>().exec();
    return new Set(rows.flatMap((r) => r.events));
  }

  /** Endpoints the system disabled that no admin has looked at yet (the admin screen's notice). */
  async needingAttention(): Promise<StoredWebhookEndpoint[]> {
    const rows = await this.model.find({ needsAttention: true }, WITHOUT_SECRET).lean<Row[]>().exec();
    return rows.map(toEndpoint);
  }

  /** Writes the change if the stored version is still `expectedVersion` (the caller's read-back decides). */
  async writeIfVersion(id: string, expectedVersion: number, set: WebhookEndpointChange & VersionedRecord): Promise<void> {
    const { disabledAt, ...rest } = set;
    const update =
      disabledAt === null
        ? { $set: rest, $unset: { disabledAt: 1, disabledReason: 1, disabledBy: 1 } }
        : { $set: { ...rest, ...(disabledAt ? { disabledAt } : {}) } };
    await this.model.updateOne({ _id: id, version: expectedVersion }, update).exec();
  }
}
