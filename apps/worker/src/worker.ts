import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES, QUEUE_NAMES, type QueueName } from '@cg/contracts';
import {
  autoIndexEnabled,
  deadlinePolicyOf,
  loadLetterhead,
  loadMailOutboundConfig,
  type Letterhead,
  type MailOutboundConfig,
  type WorkerConfig,
  webhookSettingsOf,
} from '@cg/config';
import {
  CalendarProvider,
  CaseLifecycle,
  ClassifierProvider,
  DeadlinePlanner,
  caseLifecycleHooks,
  firstDeadlineCheck,
  lifecycleSettingsFrom,
  MetricsRegistry,
  startHealthServer,
  type RunningHealthServer,
} from '@cg/core';
import { CachedDepartmentSettings, CachedWebhookSubscriptions, openDatabase, pingMongo, type Database } from '@cg/db';
import {
  AutoAssignQueue,
  CaseEventPublisher,
  createRedisConnection,
  createWebhooksQueue,
  DeadlineScheduler,
  pingRedis,
  RedisCaseLock,
  loggedWebhookEventPublisher,
  CaseNumberAllocator,
  createIntakeQueue,
  IntakePublisher,
  type RedisClient,
} from '@cg/queue';
import { ChatPersister, ConversationLog, LivechatIntake, LivechatPoster } from '@cg/livechat';
import { LocalFileStore } from '@cg/postal';
import { recordDeadLetters } from './dead-letters';
import { startWorkerSweeps } from './sweeps';
import { instrumentWorker, openCaseGauges, queueDepthGauges } from './metrics';
import { startMailChannel } from './mail';
import { deadlineCheckHandler } from './jobs/deadline-check.job';
import { autoAssignHandler } from './jobs/auto-assign.job';
import { intakeEnvelopeHandler, type IntakeJobDeps } from './jobs/intake-envelope.job';
import { CaseInsertBatcher } from './jobs/case-insert-batcher';
import { retrainClassifierHandler } from './jobs/retrain-classifier.job';
import { livechatIntakeSweepHandler } from './jobs/livechat-intake-sweep.job';
import { ocrLetterHandler } from './jobs/ocr-letter.job';
import { startWebhookOutboxRelay, webhooksProcessor } from './webhooks';

export interface RunningWorkers {
  db: Database;
  /** The one writer of cases after their insert (per-case Redis lease + version check). */
  lifecycle: CaseLifecycle;
  /** Every BullMQ worker of this process, by queue name. */
  workers: Map<string, Worker>;
  /** The intake jobs' batch sizes (one insertMany of the jobs ready at once); tests read them. A Pick, not the class:
   *  the test stack's program sees this type through both src and dist, and a class with private fields differs from itself. */
  caseInserts: Pick<CaseInsertBatcher, 'batchSizes'>;
  intake: Worker;
  /** Jobs done and failed per queue (`worker_jobs_total`), served on /metrics when WORKER_HEALTH_PORT is set. */
  metrics: MetricsRegistry;
  /** http://host:port of /healthz, /readyz and /metrics, when WORKER_HEALTH_PORT is set. */
  healthUrl?: string;
  close(): Promise<void>;
}

export interface WorkerOverrides extends Partial<Pick<IntakeJobDeps, 'classify' | 'computeDeadlines'>> {
  /** Email channel settings (SMTP, signing secret); default: read from process.env. */
  mail?: MailOutboundConfig;
  /** The postal receipt slip's letterhead (LETTER_COMPANY_*); default: read from process.env. */
  letterhead?: Letterhead;
}

/** Starts every queue processor of the system in this process (scale out by running more processes). */
export async function startWorkers(config: WorkerConfig, logger: Logger, overrides: WorkerOverrides = {}): Promise<RunningWorkers> {
  const db = await openDatabase(config.MONGODB_URI, { autoIndex: autoIndexEnabled(config) });
  const connection: RedisClient = createRedisConnection(config.REDIS_URL, 'worker');
  const workers = new Map<string, Worker>();
  const metrics = new MetricsRegistry();

  const addWorker = (queue: QueueName, processor: ConstructorParameters<typeof Worker>[1], concurrency: number): Worker => {
    // maxStalledCount: BullMQ's default (1) fails a job for good the second time it is found
    // stalled: a worker killed twice while it ran, or an event loop blocked past the lock (a PDF
    // rendered on a busy host). The fault suite (npm run chaos) lost receipts and left letters
    // unread that way. Every job here is idempotent (deterministic ids, unique indexes, keyed
    // journal entries), so running it again is safe; the bound still dead-letters a job that
    // kills its worker every time.
    const w = new Worker(queue, processor, { connection, prefix: config.QUEUE_PREFIX, concurrency, maxStalledCount: 5 });
    w.on('error', (err) => logger.error({ queue, err: err.message }, 'worker error'));
    instrumentWorker(w, queue, metrics);
    recordDeadLetters(w, db.deadLetters, logger);
    workers.set(queue, w);
    return w;
  };

  const calendars = new CalendarProvider(
    async () => (await db.calendarSchedules.all()).map((s) => s.schedule),
    (err) => logger.error({ err: err.message }, 'calendar reload failed'),
  );
  await calendars.start(config.CALENDAR_REFRESH_SECONDS * 1000);
  const planner = new DeadlinePlanner(calendars.current, deadlinePolicyOf(config));
  const deadlineScheduler = new DeadlineScheduler(connection, config.QUEUE_PREFIX);
  const scheduleDeadlineChecks = async (
    caseNumber: string,
    deadlines: { target?: { dueAt: Date; dueDate: string }; cap?: { dueAt: Date; dueDate: string } },
  ) => {
    if (!deadlines?.target || !deadlines.cap) throw new Error(`case ${caseNumber} has no deadlines`);
    await deadlineScheduler.schedule(caseNumber, firstDeadlineCheck({ target: deadlines.target, cap: deadlines.cap }, calendars.current()));
  };
  const autoAssign = new AutoAssignQueue(connection, config.QUEUE_PREFIX);
  const caseEvents = new CaseEventPublisher(connection, config.QUEUE_PREFIX, (err) =>
    logger.warn({ err: err.message }, 'case event not published'),
  );
  // Webhooks: case events of every committed change, fanned out to the admins' endpoints (webhooks/).
  const webhooksQueue = createWebhooksQueue(connection, config.QUEUE_PREFIX);
  // Read on every case change, changed by admins (and by the delivery job): a copy per process, re-read when a writer bumps it.
  const departmentSettings = new CachedDepartmentSettings(db.departmentSettings, connection, config.QUEUE_PREFIX);
  const webhookSubscriptions = new CachedWebhookSubscriptions(db.webhookEndpoints, connection, config.QUEUE_PREFIX);
  const webhookEvents = loggedWebhookEventPublisher(
    webhooksQueue,
    db.webhookOutbox,
    (types) => webhookSubscriptions.anyEnabledFor(types),
    logger,
  );
  // The intake jobs running at once insert their cases together (each job still fails and retries alone).
  const caseInserts = new CaseInsertBatcher(db.cases);
  const lifecycle = new CaseLifecycle({
    store: caseInserts.wrap(db.cases),
    lock: new RedisCaseLock(connection, { prefix: config.QUEUE_PREFIX }),
    planner,
    settings: lifecycleSettingsFrom(config),
    onDeadlinesChanged: scheduleDeadlineChecks,
    // New cases and the workers' changes reach the staff consoles on every gateway node; webhooks;
    // a case entering the queue of a department that assigns automatically gets an auto-assign job.
    ...caseLifecycleHooks({ caseEvents, webhookEvents, autoAssign, departmentSettings, log: logger }),
  });
  const classifiers = new ClassifierProvider(db.classifierModels, (err) => logger.error({ err: err.message }, 'classifier reload failed'));
  await classifiers.start(config.CLASSIFIER_REFRESH_SECONDS * 1000);

  // Email channel: outbound mail and bounces; threading and receipts hook into the intake handler.
  const mailConfig = overrides.mail ?? loadMailOutboundConfig(process.env);
  // Answers posted into chats go through the gateways' Redis streams adapter (LivechatPoster).
  const chatPoster = new LivechatPoster(db.conversations, { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  // Chat messages acknowledged once durable in Redis are written into MongoDB here (its own connection: the read blocks).
  const chatPersister = new ChatPersister(
    db.conversations,
    createRedisConnection(config.REDIS_URL, 'worker'),
    config.QUEUE_PREFIX,
    logger,
    {
      deadLetter: (failed) => db.deadLetters.record(failed),
    },
  );
  chatPersister.start();
  const files = new LocalFileStore(config.POSTAL_STORE_DIR);
  const email = startMailChannel({
    db,
    lifecycle,
    connection,
    prefix: config.QUEUE_PREFIX,
    config: mailConfig,
    logger,
    // Signed answer letters are in the same content-addressed store as the scans (POSTAL_STORE_DIR).
    answers: { files, chat: chatPoster },
    postal: { files, company: overrides.letterhead ?? loadLetterhead(process.env) },
  });
  addWorker(QUEUE_NAMES.outbound, email.processor, mailConfig.OUTBOUND_CONCURRENCY);

  const intake = addWorker(
    QUEUE_NAMES.intake,
    intakeEnvelopeHandler({
      lifecycle,
      classify: overrides.classify ?? classifiers.classify,
      computeDeadlines: overrides.computeDeadlines ?? ((receivedAt) => planner.forReceipt(receivedAt)),
      scheduleDeadlineChecks: ({ caseNumber, deadlines }) => scheduleDeadlineChecks(caseNumber, deadlines),
      attachReply: (envelope) => email.threading.attachReply(envelope),
      afterCase: async (record, envelope) => {
        await email.threading.afterCase(record, envelope);
        await email.postalReceipts.afterCase(record, envelope);
      },
      logger,
    }),
    config.INTAKE_CONCURRENCY,
  );
  // Automatic fair assignment: departments in parallel, each one serialised by its lease (counted in one place).
  addWorker(
    QUEUE_NAMES.assignment,
    autoAssignHandler({
      db,
      lifecycle,
      departmentLock: new RedisCaseLock(connection, { prefix: config.QUEUE_PREFIX, ttlMs: 15_000, waitMs: 120_000 }),
      redis: connection,
      prefix: config.QUEUE_PREFIX,
      logger,
    }),
    4,
  );
  addWorker(QUEUE_NAMES.deadlines, deadlineCheckHandler({ cases: db.cases, lifecycle, scheduler: deadlineScheduler, logger }), 8);
  // Postal letters: OCR here, never in the gateway; pages in parallel up to OCR_PARALLEL_PAGES per process.
  addWorker(QUEUE_NAMES.ocr, ocrLetterHandler({ letters: db.postalLetters, config, logger }), config.OCR_PARALLEL_PAGES);
  addWorker(
    QUEUE_NAMES.webhooks,
    webhooksProcessor({
      db,
      queue: webhooksQueue,
      // The admin routes' lease prefix: endpoints are changed by admins (gateway) and by the delivery job.
      lock: new RedisCaseLock(connection, { prefix: `${config.QUEUE_PREFIX}:admin` }),
      endpointsChanged: () => webhookSubscriptions.changed(),
      settings: webhookSettingsOf(config),
      metrics,
      logger,
    }),
    8,
  );
  // Livechat complaints stored while their intake failed, whose visitor left: the sweep publishes
  // them as the gateway would (same idempotency key: the conversation id) and links the case.
  const chatLog = new ConversationLog(db.conversations, connection, config.QUEUE_PREFIX);
  const chatIntakeQueue = createIntakeQueue({ connection, prefix: config.QUEUE_PREFIX, failFast: true });
  const chatIntake = new LivechatIntake({
    conversations: db.conversations,
    log: chatLog,
    publisher: new IntakePublisher(
      chatIntakeQueue,
      new CaseNumberAllocator(connection, {
        keyPrefix: config.QUEUE_PREFIX,
        caseNumberPrefix: config.CASE_NUMBER_PREFIX,
        ttlSeconds: config.INTAKE_IDEMPOTENCY_TTL_DAYS * 86_400,
      }),
      config.INTAKE_TIMEOUT_MS,
    ),
    receiptDeadline: (receivedAt) => planner.forReceipt(receivedAt).target,
  });
  const retrain = retrainClassifierHandler({ stores: db, logger, onRetrained: () => classifiers.refresh() });
  const chatIntakeSweep = livechatIntakeSweepHandler({
    conversations: db.conversations,
    intake: chatIntake,
    afterMs: config.LIVECHAT_INTAKE_SWEEP_AFTER_MS,
    logger,
  });
  addWorker(QUEUE_NAMES.maintenance, (job) => (job.name === JOB_NAMES.livechatIntakeSweep ? chatIntakeSweep(job) : retrain(job)), 1);

  // Every worker process upserts the same scheduler id: one schedule, whatever the process count.
  const maintenance = new Queue(QUEUE_NAMES.maintenance, {
    connection: connection,
    prefix: config.QUEUE_PREFIX,
  });
  if (config.CLASSIFIER_RETRAIN_CRON) {
    await maintenance.upsertJobScheduler(
      'classifier-retrain',
      { pattern: config.CLASSIFIER_RETRAIN_CRON, tz: 'Asia/Ho_Chi_Minh' },
      { name: JOB_NAMES.retrainClassifier, data: {} },
    );
  } else {
    await maintenance.removeJobScheduler('classifier-retrain');
  }
  await maintenance.upsertJobScheduler(
    'livechat-intake-sweep',
    { every: config.LIVECHAT_INTAKE_SWEEP_MS },
    { name: JOB_NAMES.livechatIntakeSweep, data: {} },
  );

  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));
  // Repairs in the background: final failures whose dead-letter write was lost, open cases
  // without a planned deadline check (every DEAD_LETTER_SWEEP_MS / DEADLINE_RECONCILE_MS).
  const sweeps = startWorkerSweeps({
    config,
    connection,
    db,
    queueNames: [...workers.keys()],
    scheduler: deadlineScheduler,
    calendar: calendars.current,
    logger,
  });

  // Case events whose webhook job Redis refused wait in MongoDB (webhook_outbox) until this queues them.
  const webhookRelay = startWebhookOutboxRelay({ db, queue: webhooksQueue, intervalMs: config.WEBHOOK_OUTBOX_RELAY_MS, logger });

  let health: RunningHealthServer | undefined;
  // Read-only queue handles for the depth gauges (getJobCounts at each scrape).
  const depthQueues = Object.values(QUEUE_NAMES).map((name) => new Queue(name, { connection, prefix: config.QUEUE_PREFIX }));
  metrics.onScrape(queueDepthGauges(depthQueues));
  metrics.onScrape(openCaseGauges(db.connection));
  if (config.WORKER_HEALTH_PORT !== undefined) {
    health = await startHealthServer({
      host: config.WORKER_HEALTH_HOST,
      port: config.WORKER_HEALTH_PORT,
      checks: [
        { name: 'redis', check: () => pingRedis(connection) },
        { name: 'mongodb', check: () => pingMongo(db.connection) },
        { name: 'workers', check: () => [...workers.values()].every((w) => w.isRunning()) },
      ],
      metrics,
    });
  }

  return {
    db,
    lifecycle,
    workers,
    caseInserts,
    intake,
    metrics,
    ...(health ? { healthUrl: health.url } : {}),
    async close() {
      await health?.close();
      await sweeps.stop();
      await webhookRelay.stop();
      // Each close finishes the jobs in hand (BullMQ waits for them) and takes no new ones.
      await Promise.all([...workers.values()].map((w) => w.close()));
      await email.close();
      await chatPersister.close();
      await chatPoster.close();
      await calendars.stop();
      await classifiers.stop();
      await maintenance.close();
      await chatIntakeQueue.close();
      await chatLog.close();
      await Promise.all(depthQueues.map((q) => q.close()));
      await deadlineScheduler.close();
      await autoAssign.close();
      await webhookEvents.close();
      connection.disconnect();
      await db.close();
    },
  };
}
