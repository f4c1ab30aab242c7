import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { LIVECHAT_EVENTS, LIVECHAT_NAMESPACES } from '@cg/contracts';
import type { GatewayConfig } from '@cg/config';
import type { StaffTokenService, VisitorTokenService } from '@cg/core';
import type { Database } from '@cg/db';
import { ConversationLog, createLivechatAdapter } from '@cg/livechat';
import {
  createRedisConnection,
  failOpen,
  IntakePublisher,
  RedisRateLimiter,
  type CaseNumberAllocator,
  type IntakeQueue,
  type RedisClient,
} from '@cg/queue';
import { livechatPages } from './livechat-pages';
import { livechatRoutes } from './livechat.routes';
import { LivechatService } from './livechat-service';
import { setUpStaffNamespace, setUpVisitorNamespace } from './livechat-sockets';
import { AgentPresence } from './presence';
import { compileTrustProxy } from '../http/trust-proxy';

export interface LivechatDeps {
  config: GatewayConfig;
  logger: Logger;
  db: Database;
  /** The gateway's fail-fast Redis connection (rate limits, presence). */
  redis: RedisClient;
  queue: IntakeQueue;
  allocator: CaseNumberAllocator;
  staffTokens: StaffTokenService;
  visitorTokens: VisitorTokenService;
  /** The target deadline of a complaint received then (the receipt shows it at once). */
  receiptDeadline?: (receivedAt: Date) => { dueDate: string; dueAt: Date } | undefined;
}

export interface Livechat {
  /** Mount under /api/v1/livechat. */
  routes: Router;
  /** Mount at the root: /chat, /livechat/widget.js, /livechat/agent and their assets. */
  pages: Router;
  /** Starts socket.io on the gateway's HTTP server (after it listens). */
  attach(server: HttpServer): Server;
  io?: Server;
  /** Disconnects every socket and stops the adapter; call before closing the HTTP server. */
  close(): Promise<void>;
}

/**
 * The livechat channel adapter: HTTP routes for the pre-chat form and attachments, socket.io
 * namespaces for visitors and agents, all nodes joined through the Redis streams adapter.
 */
export function createLivechat(deps: LivechatDeps): Livechat {
  const { config, logger, db } = deps;
  const { visitorTokens } = deps;
  // Shared by every node. When Redis does not answer, messages go through: the per-connection
  // limits in memory still apply, and refusing every customer during a Redis blip would be worse.
  const limiter = failOpen(new RedisRateLimiter(deps.redis, `${config.QUEUE_PREFIX}:livechat:rl`), (err) =>
    logger.warn({ err: err.message }, 'livechat rate limiter: Redis unavailable; letting through'),
  );
  const log = new ConversationLog(db.conversations, deps.redis, config.QUEUE_PREFIX);
  const service = new LivechatService({
    conversations: db.conversations,
    log,
    attachments: db.chatAttachments,
    transcripts: db.transcriptRequests,
    cases: db.cases,
    publisher: new IntakePublisher(deps.queue, deps.allocator, config.INTAKE_TIMEOUT_MS),
    logger,
    ...(deps.receiptDeadline ? { receiptDeadline: deps.receiptDeadline } : {}),
  });
  let io: Server | undefined;
  let adapterRedis: RedisClient | undefined;
  let presence: AgentPresence | undefined;
  const unused = new Set<Socket>();

  const livechat: Livechat = {
    routes: livechatRoutes({
      db,
      log,
      visitorTokens,
      staffTokens: deps.staffTokens,
      limiter,
      sessionsPerHourPerIp: config.LIVECHAT_SESSIONS_PER_HOUR_PER_IP,
      uploadMaxBytes: config.LIVECHAT_UPLOAD_MAX_BYTES,
      uploadsPerHourPerVisitor: config.LIVECHAT_UPLOADS_PER_HOUR_PER_VISITOR,
      uploadsInFlightPerVisitor: config.LIVECHAT_UPLOADS_IN_FLIGHT_PER_VISITOR,
      uploadsInFlight: config.LIVECHAT_UPLOADS_IN_FLIGHT,
    }),
    pages: livechatPages({ embedOrigins: config.LIVECHAT_EMBED_ORIGINS }),

    attach(server) {
      // Browsers open spare connections ahead of need (preconnect) that may never carry a
      // request; Node keeps them open through server.close() until its 60 s header timeout,
      // which would hold up every shutdown and restart. They are ended on close.
      server.on('connection', (socket) => {
        unused.add(socket);
        socket.once('close', () => unused.delete(socket));
      });
      server.on('request', (req) => unused.delete(req.socket));
      server.on('upgrade', (req) => unused.delete(req.socket));
      // The adapter's connection retries instead of failing fast: it blocks on XREAD and must come back by itself.
      adapterRedis = createRedisConnection(config.REDIS_URL, 'worker');
      io = new Server(server, {
        adapter: createLivechatAdapter(adapterRedis, config.QUEUE_PREFIX),
        // A message is at most LIVECHAT_MAX_MESSAGE_CHARS; anything much bigger is refused by socket.io itself.
        maxHttpBufferSize: 64 * 1024,
        ...(config.LIVECHAT_RECOVERY_SECONDS > 0
          ? { connectionStateRecovery: { maxDisconnectionDuration: config.LIVECHAT_RECOVERY_SECONDS * 1000, skipMiddlewares: false } }
          : {}),
        serveClient: true,
      });
      const ioServer = io;
      presence = new AgentPresence(deps.redis, config.QUEUE_PREFIX, randomUUID(), (agentsOnline) => {
        ioServer.of(LIVECHAT_NAMESPACES.visitor).emit(LIVECHAT_EVENTS.presence, { agentsOnline });
      });
      presence.start();
      service.bind(io);
      const socketDeps = {
        logger,
        conversations: db.conversations,
        log,
        service,
        presence,
        limiter,
        visitorTokens,
        staffTokens: deps.staffTokens,
        trustProxy: compileTrustProxy(config.TRUST_PROXY),
        maxMessageChars: config.LIVECHAT_MAX_MESSAGE_CHARS,
        messagesPerMinutePerVisitor: config.LIVECHAT_MESSAGES_PER_MINUTE_PER_VISITOR,
        messagesPerMinutePerIp: config.LIVECHAT_MESSAGES_PER_MINUTE_PER_IP,
        maxConnectionsPerIp: config.LIVECHAT_MAX_CONNECTIONS_PER_IP,
      };
      setUpVisitorNamespace(io, socketDeps);
      setUpStaffNamespace(io, socketDeps);
      livechat.io = io;
      return io;
    },

    async close() {
      service.close();
      await presence?.stop();
      for (const socket of unused) socket.destroy();
      unused.clear();
      // Closes every socket (clients reconnect elsewhere and resync), the adapter's readers, and
      // the HTTP server (socket.io waits for it to close).
      await io?.close();
      await log.close();
      adapterRedis?.disconnect();
    },
  };
  return livechat;
}
