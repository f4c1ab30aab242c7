import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { autoIndexEnabled, type GatewayConfig } from '@cg/config';
import { StaffTokenService } from '@cg/core';
import { openDatabase, pingMongo, type Database } from '@cg/db';
import { CaseNumberAllocator, createIntakeQueue, createRedisConnection, IntakePublisher, pingRedis } from '@cg/queue';
import { createGatewayApp } from './app';

export interface RunningGateway {
  url: string;
  server: Server;
  db: Database;
  close(): Promise<void>;
}

/** Connects to Redis and MongoDB, builds the app and listens. Used by main.ts and by tests. */
export async function startGateway(config: GatewayConfig, logger: Logger = pino({ level: config.LOG_LEVEL })): Promise<RunningGateway> {
  const redis = createRedisConnection(config.REDIS_URL, 'producer');
  const db = await openDatabase(config.MONGODB_URI, { autoIndex: autoIndexEnabled(config) });
  const queue = createIntakeQueue({ connection: redis, prefix: config.QUEUE_PREFIX, failFast: true });
  const allocator = new CaseNumberAllocator(redis, {
    keyPrefix: config.QUEUE_PREFIX,
    caseNumberPrefix: config.CASE_NUMBER_PREFIX,
    ttlSeconds: config.INTAKE_IDEMPOTENCY_TTL_DAYS * 86_400,
  });
  const app = createGatewayApp({
    logger,
    db,
    publisher: new IntakePublisher(queue, allocator, config.INTAKE_TIMEOUT_MS),
    tokens: new StaffTokenService(config.AUTH_TOKEN_SECRET, config.AUTH_TOKEN_TTL_SECONDS),
    readiness: [
      { name: 'redis', check: () => pingRedis(redis) },
      { name: 'mongodb', check: () => pingMongo(db.connection) },
    ],
    loginsPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
  });

  const server = app.listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;

  return {
    url,
    server,
    db,
    async close() {
      // Stop taking requests, let in-flight ones finish, then close connections.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await queue.close();
      redis.disconnect();
      await db.close();
    },
  };
}
