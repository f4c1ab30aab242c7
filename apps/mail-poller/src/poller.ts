import type { Logger } from 'pino';
import { autoIndexEnabled, type MailOutboundConfig, type MailPollerConfig } from '@cg/config';
import { MetricsRegistry, startHealthServer } from '@cg/core';
import { openDatabase, pingMongo, type Database } from '@cg/db';
import {
  CaseNumberAllocator,
  createIntakeQueue,
  createOutboundQueue,
  createRedisConnection,
  IntakePublisher,
  pingRedis,
  type RedisClient,
} from '@cg/queue';
import { MailboxPoller, type MailboxStatus } from './mailbox-poller';
import { MailIntake } from './message-intake';

export interface RunningMailPoller {
  /** http://host:port of /healthz, /readyz and /metrics. */
  url: string;
  db: Database;
  metrics: MetricsRegistry;
  status(): MailboxStatus[];
  close(): Promise<void>;
}

/** Starts one poller per configured mailbox (each runs only while it holds the mailbox lock) and the health endpoint. */
export async function startMailPoller(
  config: MailPollerConfig,
  outbound: Pick<MailOutboundConfig, 'MAIL_MESSAGE_ID_SECRET' | 'MAIL_MESSAGE_ID_DOMAIN' | 'fromAddress'>,
  logger: Logger,
): Promise<RunningMailPoller> {
  const db = await openDatabase(config.MONGODB_URI, { autoIndex: autoIndexEnabled(config) });
  const producer = createRedisConnection(config.REDIS_URL, 'producer');
  const lockRedis = createRedisConnection(config.REDIS_URL, 'producer');
  // Fail-fast connections refuse commands until connected, and BullMQ queues send one at once.
  await Promise.all([untilReady(producer), untilReady(lockRedis)]);
  const intakeQueue = createIntakeQueue({ connection: producer, prefix: config.QUEUE_PREFIX, failFast: true });
  const outboundQueue = createOutboundQueue({ connection: producer, prefix: config.QUEUE_PREFIX, failFast: true });
  const allocator = new CaseNumberAllocator(producer, {
    keyPrefix: config.QUEUE_PREFIX,
    caseNumberPrefix: config.CASE_NUMBER_PREFIX,
    ttlSeconds: config.INTAKE_IDEMPOTENCY_TTL_DAYS * 86_400,
  });
  const publisher = new IntakePublisher(intakeQueue, allocator, config.INTAKE_TIMEOUT_MS);
  const metrics = new MetricsRegistry();
  const ownAddresses = new Set([outbound.fromAddress, ...config.mailboxes.flatMap((m) => (m.address ? [m.address] : []))]);

  const pollers = config.mailboxes.map((mailbox) => {
    const intake = new MailIntake({
      db,
      publisher,
      outboundQueue,
      mailbox,
      maxMessageBytes: config.MAIL_MAX_MESSAGE_BYTES,
      messageIds: { secret: outbound.MAIL_MESSAGE_ID_SECRET, domain: outbound.MAIL_MESSAGE_ID_DOMAIN },
      ownAddresses,
      logger,
      metrics,
    });
    return new MailboxPoller(mailbox, config, db, lockRedis, intake, logger.child({ mailbox: mailbox.name }), metrics);
  });
  for (const p of pollers) p.start();

  const status = () => pollers.map((p) => p.status());
  const health = await startHealthServer({
    host: config.MAIL_POLLER_HOST,
    port: config.MAIL_POLLER_PORT,
    checks: [
      { name: 'redis', check: () => pingRedis(producer) },
      { name: 'mongodb', check: () => pingMongo(db.connection) },
      { name: 'mailboxes', check: () => status().every((m) => m.healthy) },
    ],
    details: () => ({ mailboxes: status() }),
    metrics,
    gauges: () =>
      status().flatMap((m) => [
        { name: 'mail_mailbox_healthy', labels: { mailbox: m.mailbox }, value: m.healthy ? 1 : 0 },
        { name: 'mail_mailbox_lock_held', labels: { mailbox: m.mailbox }, value: m.lockHeld ? 1 : 0 },
        { name: 'mail_mailbox_consecutive_failures', labels: { mailbox: m.mailbox }, value: m.consecutiveFailures },
        { name: 'mail_mailbox_last_uid', labels: { mailbox: m.mailbox }, value: m.lastUid ?? 0 },
        {
          name: 'mail_mailbox_last_sync_timestamp_seconds',
          labels: { mailbox: m.mailbox },
          value: m.lastSyncAt ? Math.floor(Date.parse(m.lastSyncAt) / 1000) : 0,
        },
        // Sync lag: how stale this mailbox's view is (grows while IMAP is down or the lock is lost).
        ...(m.lastSyncAt
          ? [{ name: 'mail_sync_lag_seconds', labels: { mailbox: m.mailbox }, value: (Date.now() - Date.parse(m.lastSyncAt)) / 1000 }]
          : []),
      ]),
  });

  return {
    url: health.url,
    db,
    metrics,
    status,
    async close() {
      // Finish the batch in hand (acknowledgements included), log out, release the locks.
      await Promise.all(pollers.map((p) => p.stop()));
      await health.close();
      await Promise.all([intakeQueue.close(), outboundQueue.close()]);
      producer.disconnect();
      lockRedis.disconnect();
      await db.close();
    },
  };
}

async function untilReady(redis: RedisClient, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`Redis not reachable within ${timeoutMs} ms (status ${redis.status})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
