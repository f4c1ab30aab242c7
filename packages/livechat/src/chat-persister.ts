import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@cg/queue';
import type { ConversationRepository } from '@cg/db';
import type { LivechatReceipt } from '@cg/contracts';
import { PERSISTED_KEEP, PERSISTED_TTL_MS, livechatKeys, type InboxRecord } from './conversation-log';

const GROUP = 'persist';

/** What the persister logs through (pino's shape). */
export interface PersisterLogger {
  warn(obj: object, msg: string): void;
}

// A message is in MongoDB: out of the inbox, into the recently persisted ids (kept short).
// KEYS: inbox hash, persisted sorted set. ARGV: keep, ttl ms, then (message id, seq) pairs.
const PERSISTED = `
for i = 3, #ARGV, 2 do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[1]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;

// A seq MongoDB already holds for another message (the Redis counter lost writes): move the
// counter past MongoDB's top and give the held message the next seq. KEYS: conversation hash,
// inbox hash. ARGV: message id, MongoDB's top seq. Answers the rewritten record, or '' if gone.
const RESEQ = `
local held = redis.call('HGET', KEYS[2], ARGV[1])
if not held then return '' end
if tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], 'seq', ARGV[2]) end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local record = string.gsub(held, '^{"seq":%d+,', '{"seq":' .. n .. ',', 1)
redis.call('HSET', KEYS[2], ARGV[1], record)
return record
`;

export interface ChatPersisterOptions {
  /** Entries read per round (what is ready at that moment, up to this many). */
  batch?: number;
  /** How long one read waits for new entries. */
  blockMs?: number;
  /** Entries another consumer read and did not finish for this long are taken over (it died). */
  claimIdleMs?: number;
  /** Rounds a message the database refuses is tried before it goes to the dead letters. */
  maxAttempts?: number;
  /** Where a message the database keeps refusing goes (the dead_letters collection); kept and retried without it. */
  deadLetter?: (failed: DeadChatMessage) => Promise<void>;
}

/** A chat message given up on, in the dead-letter collection's shape. */
export interface DeadChatMessage {
  queue: string;
  jobId: string;
  jobName: string;
  data: unknown;
  error: string;
  attemptsMade: number;
  failedAt: Date;
}

interface Entry {
  id: string;
  conversationId: string;
  messageId: string;
}

/**
 * The worker side of livechat's "durable first, database after": reads the inbox stream
 * (a consumer group, so several workers share it and an entry is finished by one), writes the
 * messages of each round into MongoDB with one unordered insertMany, and only then removes
 * them from the inbox and acknowledges the entries. A worker that dies mid-round leaves its
 * entries pending in the group; another (or its successor) takes them over after
 * `claimIdleMs`. Every step is idempotent: the unique (conversationId, messageId) index turns
 * a second write into a no-op. A receipt message also links the conversation to its case.
 */
export class ChatPersister {
  private readonly keys: ReturnType<typeof livechatKeys>;
  private readonly consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private closed = false;
  private loop?: Promise<void>;
  private busy?: Promise<void>;
  private lastClaim = 0;
  /** Messages written to MongoDB by this process (a metric and a test hook). */
  persisted = 0;
  /** Rounds each refused message failed in, by stream entry id. */
  private readonly refusals = new Map<string, number>();

  constructor(
    private readonly conversations: ConversationRepository,
    /** A connection of its own: the read blocks. */
    private readonly redis: RedisClient,
    prefix: string,
    private readonly logger: PersisterLogger,
    private readonly opts: ChatPersisterOptions = {},
  ) {
    this.keys = livechatKeys(prefix);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.busy?.catch(() => undefined);
    this.redis.disconnect(); // ends a blocked read
    await this.loop?.catch(() => undefined);
  }

  private async run(): Promise<void> {
    const claimIdleMs = this.opts.claimIdleMs ?? 10_000;
    let groupReady = false;
    while (!this.closed) {
      try {
        if (!groupReady) {
          await this.redis.xgroup('CREATE', this.keys.stream, GROUP, '0', 'MKSTREAM').catch((err: Error) => {
            if (!err.message.includes('BUSYGROUP')) throw err;
          });
          groupReady = true;
        }
        let entries: Entry[] = [];
        if (Date.now() - this.lastClaim >= claimIdleMs / 2) {
          this.lastClaim = Date.now();
          const claimed = (await this.redis.xautoclaim(
            this.keys.stream,
            GROUP,
            this.consumer,
            claimIdleMs,
            '0-0',
            'COUNT',
            this.opts.batch ?? 200,
          )) as [string, Array<[string, string[]] | null>];
          entries = toEntries(claimed[1]);
        }
        if (entries.length === 0) {
          const res = (await this.redis.xreadgroup(
            'GROUP',
            GROUP,
            this.consumer,
            'COUNT',
            this.opts.batch ?? 200,
            'BLOCK',
            this.opts.blockMs ?? 1000,
            'STREAMS',
            this.keys.stream,
            '>',
          )) as Array<[string, Array<[string, string[]]>]> | null;
          entries = res ? toEntries(res[0]![1]) : [];
        }
        if (entries.length === 0 || this.closed) continue;
        this.busy = this.persist(entries);
        await this.busy;
      } catch (err) {
        if (this.closed) return;
        if ((err as Error).message.includes('NOGROUP')) groupReady = false; // Redis lost the stream: make it again
        this.logger.warn({ err: (err as Error).message }, 'livechat persister: round failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
      } finally {
        this.busy = undefined;
      }
    }
  }

  /** One round: the entries' messages into MongoDB, then out of the inbox, then acknowledged. */
  private async persist(entries: Entry[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const e of entries) pipeline.hget(this.keys.inbox(e.conversationId), e.messageId);
    const held = (await pipeline.exec())!.map(([err, v]) => (err ? undefined : (v as string | null)));
    if (held.some((v) => v === undefined)) throw new Error('could not read the inbox');
    const done: Array<{ entry: Entry; seq?: number }> = [];
    const work: Array<{ entry: Entry; record: InboxRecord }> = [];
    entries.forEach((entry, i) => {
      const json = held[i];
      // Gone from the inbox: persisted by an earlier attempt that died before acknowledging.
      if (!json) done.push({ entry });
      else work.push({ entry, record: JSON.parse(json) as InboxRecord });
    });
    // Links first: a receipt counts as persisted only once the conversation names its case.
    for (const { record } of work) {
      const receipt = record.type === 'receipt' ? (record.data?.receipt as LivechatReceipt | undefined) : undefined;
      if (!receipt) continue;
      const firstMessageId = typeof record.data?.firstMessageId === 'string' ? record.data.firstMessageId : '';
      await this.conversations.setCase(record.conversationId, firstMessageId, {
        caseNumber: receipt.caseNumber,
        receivedAt: new Date(receipt.receivedAt),
        deadlinePolicy: receipt.deadlinePolicy,
      });
      if (receipt.dueDate && receipt.dueAt) {
        await this.conversations.setReceiptDeadline(record.conversationId, { dueDate: receipt.dueDate, dueAt: new Date(receipt.dueAt) });
      }
    }
    const { failed } = await this.conversations.insertMessages(
      work.map(({ record }) => ({ ...record, createdAt: new Date(record.createdAt) })),
    );
    let errors = 0;
    for (const [i, { entry, record }] of work.entries()) {
      const outcome = failed.get(i);
      if (outcome === undefined) {
        done.push({ entry, seq: record.seq });
        this.persisted++;
      } else if (outcome === 'duplicate') {
        const seq = await this.settleDuplicate(record);
        if (seq !== undefined) done.push({ entry, seq });
        else errors++;
      } else if (await this.giveUp(entry, record, outcome)) {
        done.push({ entry, seq: -1 });
      } else {
        errors++;
      }
    }
    await this.finish(done);
    if (errors) this.logger.warn({ errors }, 'livechat persister: messages left for a later round');
  }

  /**
   * The database refused this document (not the batch): retried in later rounds, and after
   * maxAttempts recorded as a dead letter and dropped from the inbox, so one bad message never
   * holds up the others. True when given up.
   */
  private async giveUp(entry: Entry, record: InboxRecord, err: Error): Promise<boolean> {
    const attempts = (this.refusals.get(entry.id) ?? 0) + 1;
    this.refusals.set(entry.id, attempts);
    this.logger.warn(
      { conversationId: entry.conversationId, messageId: entry.messageId, attempts, err: err.message },
      'chat message refused by the database',
    );
    if (!this.opts.deadLetter || attempts < (this.opts.maxAttempts ?? 8)) return false;
    await this.opts.deadLetter({
      queue: 'livechat-inbox',
      jobId: `${entry.conversationId}-${entry.messageId}`,
      jobName: 'chat-message',
      data: record,
      error: err.message,
      attemptsMade: attempts,
      failedAt: new Date(),
    });
    this.refusals.delete(entry.id);
    return true;
  }

  /**
   * The unique index refused a message: stored already (a repeat: done), or its seq is taken
   * (give it a new one and store it). Answers the seq it is stored with, undefined to retry later.
   */
  private async settleDuplicate(record: InboxRecord): Promise<number | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const stored = await this.conversations.findMessage(record.conversationId, record.messageId);
      if (stored) return stored.seq;
      const top = await this.conversations.topSeq(record.conversationId);
      const json = (await this.redis.eval(
        RESEQ,
        2,
        this.keys.conversation(record.conversationId),
        this.keys.inbox(record.conversationId),
        record.messageId,
        String(top),
      )) as string;
      if (!json) return undefined;
      const moved = JSON.parse(json) as InboxRecord;
      this.logger.warn({ conversationId: record.conversationId, from: record.seq, to: moved.seq }, 'chat message seq taken; moved');
      const { failed } = await this.conversations.insertMessages([{ ...moved, createdAt: new Date(moved.createdAt) }]);
      const outcome = failed.get(0);
      if (outcome === undefined) {
        this.persisted++;
        return moved.seq;
      }
      if (outcome !== 'duplicate') return undefined;
      record = moved;
    }
    return undefined;
  }

  /** Finished entries: `seq` stored with it, -1 dead-lettered, none gone already. */
  private async finish(done: Array<{ entry: Entry; seq?: number }>): Promise<void> {
    if (done.length === 0) return;
    const byConversation = new Map<string, Array<{ entry: Entry; seq?: number }>>();
    for (const d of done) byConversation.set(d.entry.conversationId, [...(byConversation.get(d.entry.conversationId) ?? []), d]);
    const pipeline = this.redis.pipeline();
    for (const [conversationId, items] of byConversation) {
      const dead = items.filter((d) => d.seq === -1).map((d) => d.entry.messageId);
      if (dead.length) pipeline.hdel(this.keys.inbox(conversationId), ...dead);
      const pairs = items.filter((d) => d.seq !== undefined && d.seq >= 0).flatMap((d) => [d.entry.messageId, String(d.seq)]);
      if (pairs.length === 0) continue;
      pipeline.eval(
        PERSISTED,
        2,
        this.keys.inbox(conversationId),
        this.keys.persisted(conversationId),
        String(PERSISTED_KEEP),
        String(PERSISTED_TTL_MS),
        ...pairs,
      );
    }
    const ids = done.map((d) => d.entry.id);
    pipeline.xack(this.keys.stream, GROUP, ...ids);
    pipeline.xdel(this.keys.stream, ...ids);
    const results = await pipeline.exec();
    const failure = results?.find(([err]) => err);
    if (failure) throw failure[0]!;
  }
}

function toEntries(raw: Array<[string, string[]] | null>): Entry[] {
  const entries: Entry[] = [];
  for (const item of raw) {
    if (!item) continue; // an entry deleted while pending
    const [id, fields] = item;
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
    if (f.c && f.m) entries.push({ id, conversationId: f.c, messageId: f.m });
  }
  return entries;
}
