import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { autoIndexEnabled, deadlinePolicyOf, webhookSettingsOf, type GatewayConfig } from '@cg/config';
import { Queue } from 'bullmq';
import { DEFAULT_DEPARTMENTS, LIVECHAT_NAMESPACES, QUEUE_NAMES } from '@cg/contracts';
import {
  CalendarProvider,
  CaseLifecycle,
  DeadlinePlanner,
  caseLifecycleHooks,
  firstDeadlineCheck,
  lifecycleSettingsFrom,
  SignedTokens,
  SurveyTokenService,
  StaffAccounts,
  StaffAccountStatusCache,
  StaffTokenService,
  VisitorTokenService,
  MetricsRegistry,
} from '@cg/core';
import { CachedDepartmentSettings, CachedWebhookSubscriptions, openDatabase, pingMongo, type Database } from '@cg/db';
import {
  CaseEventPublisher,
  CaseNumberAllocator,
  createIntakeQueue,
  createOutboundQueue,
  createRedisConnection,
  DeadlineScheduler,
  IntakePublisher,
  pingRedis,
  RedisCaseLock,
  RedisRateLimiter,
  AutoAssignQueue,
  createWebhooksQueue,
  loggedWebhookEventPublisher,
} from '@cg/queue';
import { AnswerLetters } from './answers/answer-letters';
import { lifecycleWithAnswerDelivery } from './answers/answer-desk';
import { answerRoutes } from './answers/answer.routes';
import { createGatewayApp } from './app';
import { ConsoleSessions } from './http/console-session';
import { queueBoard } from './http/queue-board';
import { attachStaffCaseEvents } from './case-events/staff-case-events';
import { createLivechat, type Livechat } from './livechat';
import { createPostalChannel } from './postal';
import { lifecycleWithSurveyInvites } from './surveys/survey-invites';
import { surveyRoutes } from './surveys/survey.routes';

export interface RunningGateway {
  url: string;
  server: Server;
  /** The express app (tests read its router: the authorization matrix and the API document). */
  app: Express;
  db: Database;
  /** The one writer of cases after their insert (per-case Redis lease + version check). */
  lifecycle: CaseLifecycle;
  /** The livechat channel: socket.io server (`io`) and its close. */
  livechat: Livechat;
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
  const calendars = new CalendarProvider(
    async () => (await db.calendarSchedules.all()).map((s) => s.schedule),
    (err) => logger.error({ err: err.message }, 'calendar reload failed'),
  );
  await calendars.start(config.CALENDAR_REFRESH_SECONDS * 1000);
  const deadlineScheduler = new DeadlineScheduler(redis, config.QUEUE_PREFIX);
  // Automatic fair assignment: a case entering a department queue (reclassify, transfer, release) queues a job.
  const autoAssign = new AutoAssignQueue(redis, config.QUEUE_PREFIX);
  const caseEvents = new CaseEventPublisher(redis, config.QUEUE_PREFIX, (err) =>
    logger.warn({ err: err.message }, 'case event not published (consoles refresh on their next event or reconnect)'),
  );
  const planner = new DeadlinePlanner(calendars.current, deadlinePolicyOf(config));
  // Webhooks: every committed change's case events (fan-out and deliveries run in the workers).
  const webhooksQueue = createWebhooksQueue(redis, config.QUEUE_PREFIX, { failFast: true });
  // Read on every case change, changed by admins: a copy per process, re-read when a writer bumps it.
  const departmentSettings = new CachedDepartmentSettings(db.departmentSettings, redis, config.QUEUE_PREFIX);
  const webhookSubscriptions = new CachedWebhookSubscriptions(db.webhookEndpoints, redis, config.QUEUE_PREFIX);
  const webhookEvents = loggedWebhookEventPublisher(
    webhooksQueue,
    db.webhookOutbox,
    (types) => webhookSubscriptions.anyEnabledFor(types),
    logger,
  );
  const lifecycle = new CaseLifecycle({
    store: db.cases,
    lock: new RedisCaseLock(redis, { prefix: config.QUEUE_PREFIX }),
    planner,
    settings: lifecycleSettingsFrom(config),
    // Extensions and reopened cases get a new chain of deadline checks.
    onDeadlinesChanged: (caseNumber, d) => deadlineScheduler.schedule(caseNumber, firstDeadlineCheck(d, calendars.current())),
    // Staff consoles on every node see the change (live updates); webhooks; automatic assignment.
    ...caseLifecycleHooks({ caseEvents, webhookEvents, autoAssign, departmentSettings, log: logger }),
  });
  // One key for every bearer token this gateway signs: staff and livechat visitors.
  const signer = new SignedTokens(config.AUTH_TOKEN_SECRET);
  // Every request and staff socket event checks the token's account (enabled, same token version):
  // from a per-user memory cache of a few seconds (see StaffAccountStatusCache for why and the window).
  const accountStatus = new StaffAccountStatusCache((id) => db.staffUsers.accountStatus(id));
  const staffTokens = new StaffTokenService(signer, config.AUTH_TOKEN_TTL_SECONDS, (p) => accountStatus.isCurrent(p));
  // Leases for admin-edited documents (accounts, department settings, root causes), beside the case leases.
  const adminLock = new RedisCaseLock(redis, { prefix: `${config.QUEUE_PREFIX}:admin` });
  const staffAccounts = new StaffAccounts({
    store: db.staffUsers,
    lock: adminLock,
    departments: () => DEFAULT_DEPARTMENTS,
    onChanged: (id) => accountStatus.forget(id),
  });
  await db.rootCauses.seedDefaults();
  const livechat = createLivechat({
    config,
    logger,
    db,
    redis,
    queue,
    allocator,
    staffTokens,
    visitorTokens: new VisitorTokenService(signer, config.LIVECHAT_VISITOR_TOKEN_TTL_DAYS * 86_400),
    // The chat's receipt shows the deadline at once: the worker computes the same from the same calendar.
    receiptDeadline: (receivedAt) => planner.forReceipt(receivedAt).target,
  });
  const postal = createPostalChannel(config, redis);
  // Step 4: signed letters live beside the scans (content-addressed); deliveries go to the outbound queue.
  const answerLetters = new AnswerLetters(config.letters, postal.store);
  const outboundQueue = createOutboundQueue({ connection: redis, prefix: config.QUEUE_PREFIX, failFast: true });
  // Step 5: the satisfaction survey's links (audience case-survey), valid SURVEY_TTL_DAYS from the closing.
  const surveyTokens = new SurveyTokenService(signer, config.SURVEY_TTL_DAYS * 86_400);
  // Links name the public URL; without PUBLIC_URL, this node's own address once it listens.
  let publicUrl = config.PUBLIC_URL ?? 'http://localhost';
  const metrics = new MetricsRegistry();
  // Read-only handles for Bull Board (it reads, retries, cleans and promotes through them).
  const boardQueues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection: redis, prefix: config.QUEUE_PREFIX }));
  const { app, listener } = createGatewayApp({
    logger,
    metrics: {
      registry: metrics,
      production: config.NODE_ENV === 'production',
      ...(config.METRICS_TOKEN ? { token: config.METRICS_TOKEN } : {}),
    },
    sessions: new ConsoleSessions(
      redis,
      config.QUEUE_PREFIX,
      config.CONSOLE_SESSION_IDLE_MINUTES * 60,
      config.NODE_ENV !== 'development',
      (p) => accountStatus.isCurrent(p),
    ),
    queueBoard: queueBoard(boardQueues),
    admin: { accounts: staffAccounts, lock: adminLock, departmentSettings, webhookSubscriptions },
    webhooks: { queue: webhooksQueue, settings: webhookSettingsOf(config) },
    db,
    livechat,
    postal,
    calendars,
    planner,
    // Approve renders and signs the letter; deliver queues the delivery (answers/answer-desk.ts).
    // Close queues the survey invitation of that closing (surveys/survey-invites.ts).
    lifecycle: lifecycleWithSurveyInvites(
      lifecycleWithAnswerDelivery(lifecycle, {
        letters: answerLetters,
        staffUsers: db.staffUsers,
        queue: outboundQueue,
        retry: { attempts: config.ANSWER_DELIVERY_ATTEMPTS, backoffMs: config.ANSWER_DELIVERY_BACKOFF_MS },
        logger,
      }),
      { surveys: surveyTokens, queue: outboundQueue, publicUrl: () => publicUrl, logger },
    ),
    surveys: (sessions) =>
      surveyRoutes({
        surveys: surveyTokens,
        cases: db.cases,
        lifecycle,
        tokens: staffTokens,
        publicUrl: () => publicUrl,
        ...(sessions ? { sessions } : {}),
      }),
    answers: answerRoutes({ lifecycle, cases: db.cases, mailOutbound: db.mailOutbound, letters: answerLetters, tokens: staffTokens }),
    deadlineScheduler,
    requestAssignment: (caseNumber, version) => autoAssign.request(caseNumber, version),
    departments: () => DEFAULT_DEPARTMENTS,
    publisher: new IntakePublisher(queue, allocator, config.INTAKE_TIMEOUT_MS),
    tokens: staffTokens,
    readiness: [
      { name: 'redis', check: () => pingRedis(redis) },
      { name: 'mongodb', check: () => pingMongo(db.connection) },
    ],
    login: { limiter: new RedisRateLimiter(redis, `${config.QUEUE_PREFIX}:rl`), perMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE },
    mail: config.mail,
    ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
  });

  const server = createServer(listener).listen(config.PORT, config.HOST);
  await once(server, 'listening');
  const staffCaseEvents = attachStaffCaseEvents(livechat.attach(server), {
    tokens: staffTokens,
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
  });
  metrics.onScrape(() =>
    Object.values(LIVECHAT_NAMESPACES).map((namespace) => ({
      name: 'livechat_socket_connections',
      labels: { namespace },
      value: livechat.io?.of(namespace).sockets.size ?? 0,
    })),
  );
  const { port } = server.address() as AddressInfo;
  const url = config.PUBLIC_URL ?? `http://localhost:${port}`;
  publicUrl = url;

  return {
    url,
    server,
    app,
    db,
    lifecycle,
    livechat,
    async close() {
      // Sockets first: open websockets would keep the HTTP server from closing.
      await staffCaseEvents.close();
      await livechat.close();
      // Stop taking requests, let in-flight ones finish, then close connections.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await calendars.stop();
      await queue.close();
      await postal.close();
      await outboundQueue.close();
      await Promise.all(boardQueues.map((q) => q.close()));
      await deadlineScheduler.close();
      await autoAssign.close();
      await webhookEvents.close();
      redis.disconnect();
      await db.close();
    },
  };
}
