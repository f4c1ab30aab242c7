import { Redis } from 'ioredis';
import { commonEnvSchema } from '@cg/config';
import { isolatedEnv, removeRedisKeys } from '@cg/testing';
import { CaseNumberAllocator } from '../src/case-number-allocator';

describe('CaseNumberAllocator (real Redis)', () => {
  const env = isolatedEnv();
  const { REDIS_URL } = commonEnvSchema.parse(env);
  const redis = new Redis(REDIS_URL);
  const allocator = new CaseNumberAllocator(redis, { keyPrefix: env.QUEUE_PREFIX!, caseNumberPrefix: 'KN', ttlSeconds: 60 });
  afterAll(async () => {
    redis.disconnect();
    await removeRedisKeys(REDIS_URL, env.QUEUE_PREFIX!);
  });

  it('gives 200 racing requests with one key one number, and distinct keys consecutive numbers', async () => {
    const at = new Date('2026-06-01T00:00:00Z');
    const same = await Promise.all(Array.from({ length: 200 }, () => allocator.allocate('hotline', 'call-A', at)));
    expect(new Set(same.map((a) => a.caseNumber))).toEqual(new Set(['KN26-00001']));
    expect(same.filter((a) => !a.existing)).toHaveLength(1);

    const distinct = await Promise.all(Array.from({ length: 50 }, (_, i) => allocator.allocate('hotline', `call-${i}`, at)));
    const seqs = distinct.map((a) => Number(a.caseNumber.split('-')[1])).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    // The same key on another channel is another complaint.
    expect((await allocator.allocate('email', 'call-A', at)).caseNumber).toBe('KN26-00052');
  });

  it('numbers by the year in Vietnam: 31 Dec 2026 20:00 UTC is already 2027 in Hanoi', async () => {
    const a = await allocator.allocate('hotline', 'new-year', new Date('2026-12-31T20:00:00Z'));
    expect(a.caseNumber).toBe('KN27-00001');
  });
});
