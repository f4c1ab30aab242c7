import type { RedisClient } from '@cg/queue';
import { every, type Periodic } from '@cg/core';

const TTL_MS = 60_000;
const REFRESH_MS = 20_000;

/**
 * Which agents are online, across every gateway node: a Redis sorted set of agent sockets
 * scored by their last heartbeat. A node refreshes its own agents every 20 s, so the agents of
 * a node that crashed drop out within a minute.
 */
export class AgentPresence {
  private readonly key: string;
  private readonly local = new Set<string>();
  private periodic?: Periodic;
  private lastKnown: boolean | undefined;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly nodeId: string,
    /** Called when this node notices that "any agent online" changed. */
    private readonly onChange: (agentsOnline: boolean) => void,
  ) {
    this.key = `${prefix}:livechat:agents-online`;
  }

  start(): void {
    this.periodic = every(REFRESH_MS, () => this.refresh());
  }

  async add(socketId: string): Promise<void> {
    const member = `${this.nodeId}:${socketId}`;
    this.local.add(member);
    await this.redis.zadd(this.key, Date.now(), member).catch(() => undefined);
    await this.check();
  }

  async remove(socketId: string): Promise<void> {
    const member = `${this.nodeId}:${socketId}`;
    this.local.delete(member);
    await this.redis.zrem(this.key, member).catch(() => undefined);
    await this.check();
  }

  /** True when at least one agent is online anywhere; false also when Redis does not answer. */
  async anyOnline(): Promise<boolean> {
    try {
      const n = await this.redis.zcount(this.key, Date.now() - TTL_MS, '+inf');
      return n > 0;
    } catch {
      return this.local.size > 0;
    }
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    try {
      if (this.local.size > 0) await this.redis.zadd(this.key, ...[...this.local].flatMap((m) => [now, m]));
      await this.redis.zremrangebyscore(this.key, '-inf', now - TTL_MS);
    } catch {
      /* Redis away: try again next round */
    }
    await this.check();
  }

  private async check(): Promise<void> {
    const online = await this.anyOnline();
    if (online !== this.lastKnown) {
      this.lastKnown = online;
      this.onChange(online);
    }
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
    if (this.local.size > 0) await this.redis.zrem(this.key, ...this.local).catch(() => undefined);
    this.local.clear();
  }
}
