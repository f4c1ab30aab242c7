import type { RedisClient } from './redis-connections';
import { formatCaseNumber } from '@cg/contracts';

/**
 * Allocates case numbers at intake and remembers which idempotency key got which number,
 * in one atomic Lua script: the same key always answers the same number, and two racing
 * requests with the same key cannot get two numbers. The per-year counter is in Redis
 * (AOF-persisted), so numbers are unique across gateway processes.
 *
 * The idempotency mapping expires after `ttlSeconds`; the MongoDB unique index on
 * (channel, idempotencyKey) remains the permanent guard against a second case.
 */
const ALLOCATE_SCRIPT = `
local existing = redis.call('GET', KEYS[1])
if existing then return {existing, 1} end
local seq = redis.call('INCR', KEYS[2])
local num = ARGV[1] .. string.format('%05d', seq)
redis.call('SET', KEYS[1], num, 'EX', tonumber(ARGV[2]))
return {num, 0}
`;

export interface Allocation {
  caseNumber: string;
  /** The key had been seen before: this is a repeat of an earlier submission. */
  existing: boolean;
}

/** The script as an ioredis command: EVALSHA (the script's text is sent once per connection, not per call). */
type AllocatingRedis = RedisClient & { cgAllocateCaseNumber(...keysAndArgs: string[]): Promise<[string, number]> };

export class CaseNumberAllocator {
  private readonly scripted: AllocatingRedis;

  constructor(
    redis: RedisClient,
    private readonly opts: { keyPrefix: string; caseNumberPrefix: string; ttlSeconds: number },
  ) {
    // A hotline request's profile showed the script's text sent and hashed by Redis on every
    // call; ioredis falls back to EVAL by itself after a restarted Redis lost its script cache.
    redis.defineCommand('cgAllocateCaseNumber', { numberOfKeys: 2, lua: ALLOCATE_SCRIPT });
    this.scripted = redis as AllocatingRedis;
  }

  async allocate(channel: string, idempotencyKey: string, at: Date): Promise<Allocation> {
    const year = yearInVietnam(at);
    const head = formatCaseNumber(this.opts.caseNumberPrefix, year, 0).replace(/0+$/, '');
    const idemKey = `${this.opts.keyPrefix}:idem:${channel}:${idempotencyKey}`;
    const seqKey = `${this.opts.keyPrefix}:case-seq:${year}`;
    const [caseNumber, existing] = await this.scripted.cgAllocateCaseNumber(idemKey, seqKey, head, String(this.opts.ttlSeconds));
    return { caseNumber, existing: existing === 1 };
  }
}

/** The case-number year is the year in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
function yearInVietnam(at: Date): number {
  return new Date(at.getTime() + 7 * 3600_000).getUTCFullYear();
}
