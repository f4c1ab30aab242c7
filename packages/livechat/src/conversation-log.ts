import type { Redis } from 'ioredis';
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

// Fills the hash from MongoDB's view; never lowers a seq already counted here.
const LOAD = `
if redis.call('HEXISTS', KEYS[1], 'init') == 0 then
  redis.call('HSET', KEYS[1], 'init', '1', 'seq', ARGV[2], 'ended', ARGV[3], 'case', ARGV[4])
  if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'first', ARGV[5]) end
elseif tonumber(redis.call('HGET', KEYS[1], 'seq') or '0') < tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'seq', ARGV[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

export interface AppendResult {
  message: ChatMessageRecord;
  duplicate: boolean;
  /** The conversation's case, when this node knows it (may be absent though the case exists). */
  caseNumber?: string;
  /** The conversation's first visitor message id, when known. */
  firstVisitorMessageId?: string;
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

  constructor(
    readonly conversations: ConversationRepository,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(conversationId: string): string {
    return `${this.prefix}:livechat:conv:${conversationId}`;
  }

  /** A new conversation: its counters start at zero (best effort; loaded from MongoDB otherwise). */
  async init(conversationId: string): Promise<void> {
    await this.redis.eval(LOAD, 1, this.key(conversationId), String(STATE_TTL_MS), '0', '0', '', '').catch(() => undefined);
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
        answer = (await this.redis.eval(
          ALLOCATE,
          1,
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
    await this.redis.eval(
      LOAD,
      1,
      this.key(conversationId),
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
