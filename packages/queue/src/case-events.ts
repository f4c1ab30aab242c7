import type { CaseChangedEvent } from '@cg/contracts';
import { createRedisConnection, type RedisClient } from './redis-connections';

/** The pub/sub channel of live case updates (one per prefix: an isolated test stack has its own). */
export const caseEventsChannel = (prefix: string): string => `${prefix}:case-events`;

/**
 * Publishes case changes to every gateway node (Redis pub/sub: at most once; a console that
 * reconnects reads its list again, so a missed event costs freshness, never data).
 */
export class CaseEventPublisher {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly onError: (err: Error) => void,
  ) {}

  publish(event: CaseChangedEvent): void {
    this.redis.publish(caseEventsChannel(this.prefix), JSON.stringify(event)).catch(this.onError);
  }
}

/** Every case change published by any process, on a subscriber connection of its own. */
export function subscribeCaseEvents(
  redisUrl: string,
  prefix: string,
  onEvent: (event: CaseChangedEvent) => void,
): { close(): Promise<void> } {
  // Subscriber mode takes the connection for itself; it retries forever and resubscribes on reconnect.
  const sub = createRedisConnection(redisUrl, 'worker');
  const channel = caseEventsChannel(prefix);
  void sub.subscribe(channel).catch(() => undefined);
  sub.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    try {
      onEvent(JSON.parse(message) as CaseChangedEvent);
    } catch {
      // Not ours or malformed: ignore.
    }
  });
  return {
    async close() {
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
