import type { RedisClient } from '@cg/queue';
import type { LivechatReceipt } from '@cg/contracts';
import {
  ConversationEndedError,
  ConversationNotFoundError,
  SeqTakenError,
  type ChatMessageRecord,
  type ConversationRepository,
  type NewChatMessage,
} from '@cg/db';

/** How long an idle conversation's counters stay in Redis (they are rebuilt from MongoDB after). */
const STATE_TTL_MS = 30 * 24 * 3600 * 1000;
const MAX_ATTEMPTS = 5;
const TOUCH_EVERY_MS = 5000;
const TOUCH_BATCH = 100;
const MAX_PENDING_TOUCHES = 10_000;
/** Persisted message ids kept per conversation so a late retry is known as a repeat without MongoDB. */
export const PERSISTED_KEEP = 256;
export const PERSISTED_TTL_MS = 24 * 3600 * 1000;

interface Touch {
  seq: number;
  senderKind: 'visitor' | 'agent' | 'system';
  preview: string;
  at: Date;
}

// KEYS[1] the conversation's hash. ARGV: ttl ms, require open (1/0), visitor message id or ''.
// Answers {seq, caseNumber, first visitor message id}; seq -1: unknown here (load it), -2: ended.
const ALLOCATE = `
if redis.call('HEXISTS', KEYS[1], 'init') == 0 then return {-1, '', ''} end
if ARGV[2] == '1' and redis.call('HGET', KEYS[1], 'ended') == '1' then return {-2, '', ''} end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if ARGV[3] ~= '' then redis.call('HSETNX', KEYS[1], 'first', ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return {n, redis.call('HGET', KEYS[1], 'case') or '', redis.call('HGET', KEYS[1], 'first') or ''}
`;

// Fills the hash from MongoDB's view; never lowers a seq already counted here, nor below a
// message still waiting in the inbox (KEYS[2]: durable in Redis, not yet in MongoDB).
const LOAD = `
local top = tonumber(ARGV[2])
for _, v in ipairs(redis.call('HVALS', KEYS[2])) do
  local s = tonumber(string.match(v, '^{"seq":(%d+),'))
  if s and s > top then top = s end
end
ARGV[2] = tostring(top)
if redis.call('HEXISTS', KEYS[1], 'init') == 0 then
  redis.call('HSET', KEYS[1], 'init', '1', 'seq', ARGV[2], 'ended', ARGV[3], 'case', ARGV[4])
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'first', ARGV[5]) end
elseif tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'seq', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

// The durable append (the acknowledgement point of a chat message). KEYS: the conversation's
// hash, its inbox hash (message id → record JSON, until a worker has it in MongoDB), its
// recently persisted ids (sorted set by seq), the inbox stream the workers read.
// ARGV: 1 ttl ms, 2 require open, 3 message id, 4 visitor (1/0), 5 record JSON without seq
// (an object, so its first byte is '{'), 6 conversation id, 7 case number or '', 8 receipt JSON or ''.
// Answers {status, record JSON or seq, case, first visitor message id, receipt JSON}; status:
// the new seq; 0 held in the inbox (a repeat); -3 persisted already (2nd value: its seq);
// -1 unknown here (load it); -2 ended.
const APPEND_DURABLE = `
if redis.call('HEXISTS', KEYS[1], 'init') == 0 then return {-1, '', '', '', ''} end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'case', ARGV[7], 'receipt', ARGV[8]) end
local function tail(status, v)
  return {status, v, redis.call('HGET', KEYS[1], 'case') or '', redis.call('HGET', KEYS[1], 'first') or '', redis.call('HGET', KEYS[1], 'receipt') or ''}
end
local held = redis.call('HGET', KEYS[2], ARGV[3])
if held then return tail(0, held) end
local done = redis.call('ZSCORE', KEYS[3], ARGV[3])
if done then return tail(-3, done) end
if ARGV[2] == '1' and redis.call('HGET', KEYS[1], 'ended') == '1' then return {-2, '', '', '', ''} end
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if ARGV[4] == '1' then redis.call('HSETNX', KEYS[1], 'first', ARGV[3]) end
local record = '{"seq":' .. n .. ',' .. string.sub(ARGV[5], 2)
redis.call('HSET', KEYS[2], ARGV[3], record)
redis.call('XADD', KEYS[4], '*', 'c', ARGV[6], 'm', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return tail(n, record)
`;

/** A message as the inbox holds it: what MongoDB will store, with the seq and time it was acknowledged with. */
export interface InboxRecord extends NewChatMessage {
  seq: number;
  createdAt: string;
}

/** Parses an inbox record into the shape of a stored message (views take either). */
export function fromInboxRecord(json: string): ChatMessageRecord & { createdAt: Date } {
  const r = JSON.parse(json) as InboxRecord;
  return { ...r, attachments: r.attachments ?? [], createdAt: new Date(r.createdAt) } as unknown as ChatMessageRecord & { createdAt: Date };
}

/**
 * True while the conversation's inbox in Redis still holds a message at or before `upToSeq`
 * (acknowledged, not yet written to MongoDB by a worker): a transcript up to that seq waits.
 */
export async function inboxHoldsUpTo(redis: RedisClient, prefix: string, conversationId: string, upToSeq: number): Promise<boolean> {
  const values = await redis.hvals(livechatKeys(prefix).inbox(conversationId));
  return values.some((v) => (JSON.parse(v) as InboxRecord).seq <= upToSeq);
}

/** The conversation as Redis knows it: the last seq, and the case once intake gave it. */
export interface ConversationRedisState {
  lastSeq?: number;
  caseNumber?: string;
  receipt?: LivechatReceipt;
}

/** Redis keys of a conversation's durable messages (shared by the gateway and the worker's ChatPersister). */
export const livechatKeys = (prefix: string) => ({
  conversation: (id: string) => `${prefix}:livechat:conv:${id}`,
  inbox: (id: string) => `${prefix}:livechat:inbox:${id}`,
  persisted: (id: string) => `${prefix}:livechat:persisted:${id}`,
  stream: `${prefix}:livechat:inbox-stream`,
});

export interface AppendResult {
  message: ChatMessageRecord;
  duplicate: boolean;
  /** The conversation's case, when this node knows it (may be absent though the case exists). */
  caseNumber?: string;
  /** The conversation's first visitor message id, when known. */
  firstVisitorMessageId?: string;
  /** The receipt given for the conversation's case, when Redis holds it. */
  receipt?: LivechatReceipt;
  /** Durable in Redis, not (yet) in MongoDB: a worker persists it. */
  inInbox?: boolean;
}

/**
 * Appends messages to conversations: the seq comes from one Redis script (atomic, and the
 * same script answers "ended?" and "which case?"), the message goes to MongoDB in one insert.
 * MongoDB's unique indexes stay the guards: a message id is stored once, and a seq taken twice
 * (a Redis counter that lost writes) is repaired from MongoDB and allocated again. Without
 * Redis, seqs come from an $inc on the conversation instead.
 *
 * Why not $inc alone: FerretDB v1 loses concurrent updates of one document and scans whole
 * collections for every query, so the hot path avoids reading MongoDB at all.
 */
export class ConversationLog {
  private readonly touches = new Map<string, Touch>();
  private touchTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  /** The scripts as ioredis commands (EVALSHA: their text is sent once per connection, not per message). */
  private readonly scripted: RedisClient &
    Record<'cgChatAppend' | 'cgChatAllocate' | 'cgChatLoad', (...keysAndArgs: string[]) => Promise<unknown>>;

  constructor(
    readonly conversations: ConversationRepository,
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.keys = livechatKeys(prefix);
    redis.defineCommand('cgChatAppend', { numberOfKeys: 4, lua: APPEND_DURABLE });
    redis.defineCommand('cgChatAllocate', { numberOfKeys: 1, lua: ALLOCATE });
    redis.defineCommand('cgChatLoad', { numberOfKeys: 2, lua: LOAD });
    this.scripted = redis as typeof this.scripted;
  }

  private readonly keys: ReturnType<typeof livechatKeys>;
  /** Conversations this node wrote into MongoDB directly because Redis did not answer. */
  private readonly wroteAround = new Set<string>();

  private key(conversationId: string): string {
    return this.keys.conversation(conversationId);
  }

  /** A new conversation: its counters start at zero (best effort; loaded from MongoDB otherwise). */
  async init(conversationId: string): Promise<void> {
    await this.scripted
      .cgChatLoad(this.key(conversationId), this.keys.inbox(conversationId), String(STATE_TTL_MS), '0', '0', '', '')
      .catch(() => undefined);
  }

  async append(input: NewChatMessage, opts: { requireOpen: boolean }): Promise<AppendResult> {
    const visitorId = input.sender.kind === 'visitor' ? input.messageId : '';
    for (let attempt = 1; ; attempt++) {
      const slot = await this.allocate(input.conversationId, opts.requireOpen, visitorId);
      try {
        const { message, duplicate } = await this.conversations.insertMessage({ ...input, seq: slot.seq });
        if (!duplicate) {
          this.touch(input.conversationId, {
            seq: slot.seq,
            senderKind: input.sender.kind,
            preview: input.text || (input.attachments ?? []).map((a) => a.fileName).join(', '),
            at: new Date(),
          });
        }
        return {
          message,
          duplicate,
          ...(slot.caseNumber ? { caseNumber: slot.caseNumber } : {}),
          ...(slot.first ? { firstVisitorMessageId: slot.first } : {}),
        };
      } catch (err) {
        if (!(err instanceof SeqTakenError) || attempt >= MAX_ATTEMPTS) throw err;
        await this.repair(input.conversationId);
      }
    }
  }

  /**
   * The acknowledgement point of a chat message: one Redis script gives it its seq, keeps it
   * in the conversation's inbox (a hash with AOF) and adds its id to the inbox stream that the
   * workers' ChatPersister writes into MongoDB. A repeat of a message id answers the message
   * held or persisted before. `receipt` (with the case number) is recorded in the same script.
   * When Redis does not answer, the message goes straight to MongoDB instead (`append`).
   */
  async appendDurable(input: NewChatMessage, opts: { requireOpen: boolean; receipt?: LivechatReceipt }): Promise<AppendResult> {
    const id = input.conversationId;
    if (this.wroteAround.has(id)) {
      // This node stored messages of the conversation in MongoDB while Redis was away: Redis
      // learns them first (seq, recent ids), so a retry of one is answered as the repeat it is.
      const loaded = await this.load(id).then(
        () => true,
        () => false,
      );
      if (loaded) this.wroteAround.delete(id);
    }
    const record = JSON.stringify({
      conversationId: id,
      messageId: input.messageId,
      sender: input.sender,
      type: input.type,
      text: input.text,
      attachments: input.attachments ?? [],
      ...(input.data ? { data: input.data } : {}),
      createdAt: new Date().toISOString(),
    });
    for (let round = 0; round < 3; round++) {
      let answer: [number, string, string, string, string];
      try {
        answer = (await this.scripted.cgChatAppend(
          this.key(id),
          this.keys.inbox(id),
          this.keys.persisted(id),
          this.keys.stream,
          String(STATE_TTL_MS),
          opts.requireOpen ? '1' : '0',
          input.messageId,
          input.sender.kind === 'visitor' ? '1' : '0',
          record,
          id,
          opts.receipt?.caseNumber ?? '',
          opts.receipt ? JSON.stringify(opts.receipt) : '',
        )) as [number, string, string, string, string];
      } catch {
        if (this.wroteAround.size >= MAX_PENDING_TOUCHES) this.wroteAround.clear(); // bounded; MongoDB's unique index stays the guard
        this.wroteAround.add(id);
        return this.append(input, { requireOpen: opts.requireOpen });
      }
      const [status, value, caseNumber, first, receipt] = answer;
      if (status === -2) throw new ConversationEndedError(id);
      if (status === -1) {
        await this.load(id);
        continue;
      }
      const known = {
        ...(caseNumber ? { caseNumber } : {}),
        ...(first ? { firstVisitorMessageId: first } : {}),
        ...(receipt ? { receipt: JSON.parse(receipt) as LivechatReceipt } : {}),
      };
      if (status === -3) {
        const stored = await this.conversations.findMessage(id, input.messageId);
        if (stored) return { message: stored, duplicate: true, ...known };
        return this.append(input, { requireOpen: opts.requireOpen }); // listed as persisted, yet MongoDB lost it
      }
      const message = fromInboxRecord(value);
      if (status > 0) {
        this.touch(id, {
          seq: status,
          senderKind: input.sender.kind,
          preview: input.text || (input.attachments ?? []).map((a) => a.fileName).join(', '),
          at: message.createdAt,
        });
      }
      return { message, duplicate: status === 0, inInbox: true, ...known };
    }
    throw new Error(`could not append to conversation ${id}`);
  }

  /**
   * Messages durable in Redis and not yet in MongoDB, after `afterSeq`. Throws when Redis does
   * not answer: a resend without them would move the client's last seq past messages it never got.
   */
  async inboxAfter(conversationId: string, afterSeq: number): Promise<ChatMessageRecord[]> {
    const values = await this.redis.hvals(this.keys.inbox(conversationId));
    return values.map(fromInboxRecord).filter((m) => m.seq > afterSeq);
  }

  /**
   * What a client missed: MongoDB's messages after `afterSeq` merged with the inbox's, by
   * message id (MongoDB's copy wins), in seq order. The inbox is read first: a message the
   * worker persists in between is then found in MongoDB, never missed.
   */
  async messagesAfter(
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessageRecord[]; hasMore: boolean }> {
    const inbox = await this.inboxAfter(conversationId, afterSeq);
    const stored = await this.conversations.messagesAfter(conversationId, afterSeq, limit);
    const full = stored.length === limit;
    const upTo = full ? stored[stored.length - 1]!.seq : Infinity;
    const byId = new Map<string, ChatMessageRecord>();
    for (const m of inbox) if (m.seq <= upTo) byId.set(m.messageId, m);
    for (const m of stored) byId.set(m.messageId, m);
    const merged = [...byId.values()].sort((a, b) => a.seq - b.seq);
    return { messages: merged.slice(0, limit), hasMore: full || merged.length > limit };
  }

  /** One message by id: from the inbox, else from MongoDB. */
  async findMessage(conversationId: string, messageId: string): Promise<ChatMessageRecord | null> {
    const held = await this.redis.hget(this.keys.inbox(conversationId), messageId).catch(() => null);
    return held ? fromInboxRecord(held) : this.conversations.findMessage(conversationId, messageId);
  }

  /** The last seq and the case as Redis knows them (empty when it does not, or does not answer). */
  async redisState(conversationId: string): Promise<ConversationRedisState> {
    try {
      const [init, seq, caseNumber, receipt] = await this.redis.hmget(this.key(conversationId), 'init', 'seq', 'case', 'receipt');
      return {
        ...(init ? { lastSeq: Number(seq ?? 0) } : {}),
        ...(caseNumber ? { caseNumber } : {}),
        ...(receipt ? { receipt: JSON.parse(receipt) as LivechatReceipt } : {}),
      };
    } catch {
      return {};
    }
  }

  /**
   * The staff list's order and preview (lastMessageAt, lastSeq …) are not needed for the
   * acknowledgement: they are coalesced per conversation and written by one background writer,
   * at most TOUCH_BATCH every TOUCH_EVERY_MS, so a busy chat costs MongoDB one update per round, not one per
   * message (on FerretDB v1 an update by _id scans the collection).
   */
  private touch(conversationId: string, t: Touch): void {
    const prev = this.touches.get(conversationId);
    this.touches.set(conversationId, prev && prev.seq > t.seq ? prev : t);
    if (this.touches.size > MAX_PENDING_TOUCHES) this.touches.delete(this.touches.keys().next().value!); // bounded: the oldest is dropped
    this.touchTimer ??= setTimeout(() => void this.flushTouches(), TOUCH_EVERY_MS);
    this.touchTimer.unref?.();
  }

  /** Writes pending summaries (one round, or all of them when closing). */
  async flushTouches(all = false): Promise<void> {
    this.touchTimer = undefined;
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      do {
        const batch = [...this.touches.entries()].slice(0, TOUCH_BATCH);
        for (const [id, t] of batch) {
          this.touches.delete(id);
          await this.conversations.touch(id, t).catch(() => undefined);
        }
      } while (all && this.touches.size > 0);
    })().finally(() => {
      this.flushing = undefined;
      if (this.touches.size > 0 && !all) this.touchTimer ??= setTimeout(() => void this.flushTouches(), TOUCH_EVERY_MS);
    });
    return this.flushing;
  }

  /** Flushes what is pending; call on shutdown. */
  async close(): Promise<void> {
    clearTimeout(this.touchTimer);
    await this.flushing;
    await this.flushTouches(true);
  }

  /** The last allocated seq, or undefined when Redis does not know it (or is unavailable). */
  async lastSeq(conversationId: string): Promise<number | undefined> {
    try {
      const [init, seq] = await this.redis.hmget(this.key(conversationId), 'init', 'seq');
      return init ? Number(seq ?? 0) : undefined;
    } catch {
      return undefined;
    }
  }

  async markCase(conversationId: string, caseNumber: string): Promise<void> {
    await this.redis.hset(this.key(conversationId), 'case', caseNumber).catch(() => undefined);
  }

  async markEnded(conversationId: string): Promise<void> {
    await this.redis.hset(this.key(conversationId), 'ended', '1').catch(() => undefined);
  }

  private async allocate(
    conversationId: string,
    requireOpen: boolean,
    visitorMessageId: string,
  ): Promise<{ seq: number; caseNumber?: string; first?: string }> {
    for (let round = 0; round < 3; round++) {
      let answer: [number, string, string];
      try {
        answer = (await this.scripted.cgChatAllocate(
          this.key(conversationId),
          String(STATE_TTL_MS),
          requireOpen ? '1' : '0',
          visitorMessageId,
        )) as [number, string, string];
      } catch {
        const conversation = await this.conversations.allocateSeq(conversationId, requireOpen);
        return {
          seq: conversation.lastSeq,
          ...(conversation.caseNumber ? { caseNumber: conversation.caseNumber } : {}),
          ...(conversation.firstMessageId ? { first: conversation.firstMessageId } : {}),
        };
      }
      const [seq, caseNumber, first] = answer;
      if (seq === -2) throw new ConversationEndedError(conversationId);
      if (seq > 0) return { seq, ...(caseNumber ? { caseNumber } : {}), ...(first ? { first } : {}) };
      await this.load(conversationId);
    }
    throw new Error(`could not allocate a seq for conversation ${conversationId}`);
  }

  /** Rebuilds the conversation's Redis state from MongoDB (after expiry or a Redis loss). */
  private async load(conversationId: string): Promise<void> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation) throw new ConversationNotFoundError(conversationId);
    const stored = await this.conversations.topSeq(conversationId);
    if ((conversation.lastSeq ?? 0) < stored) await this.conversations.raiseSeq(conversationId, stored);
    const top = Math.max(conversation.lastSeq ?? 0, stored);
    // The ids MongoDB holds last are known again, so a late retry of one is still a repeat.
    const recent = await this.conversations.messagesAfter(conversationId, Math.max(0, top - PERSISTED_KEEP), PERSISTED_KEEP);
    if (recent.length) {
      const persisted = this.keys.persisted(conversationId);
      await this.redis
        .multi()
        .zadd(persisted, ...recent.flatMap((m) => [String(m.seq), m.messageId]))
        .pexpire(persisted, PERSISTED_TTL_MS)
        .exec();
    }
    await this.scripted.cgChatLoad(
      this.key(conversationId),
      this.keys.inbox(conversationId),
      String(STATE_TTL_MS),
      String(top),
      conversation.status === 'ended' ? '1' : '0',
      conversation.caseNumber ?? '',
      conversation.firstMessageId ?? '',
    );
  }

  /** A seq was taken: move both counters past the highest stored seq. */
  private async repair(conversationId: string): Promise<void> {
    await this.load(conversationId).catch(async (err: Error) => {
      // Redis away: the $inc counter (the fallback) must still move past the taken seq.
      if (err instanceof ConversationNotFoundError) throw err;
      await this.conversations.raiseSeq(conversationId, await this.conversations.topSeq(conversationId));
    });
  }
}
