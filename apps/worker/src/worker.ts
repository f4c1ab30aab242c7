import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { QUEUE_NAMES } from '@cg/contracts';
import { autoIndexEnabled, type WorkerConfig } from '@cg/config';
import { interimClassify, interimDeadlines } from '@cg/core';
import { openDatabase, type Database } from '@cg/db';
import { createRedisConnection } from '@cg/queue';
import { recordDeadLetters } from './dead-letters';
import { intakeEnvelopeHandler, type IntakeJobDeps } from './jobs/intake-envelope.job';

export interface RunningWorkers {
  db: Database;
  /** Every BullMQ worker of this process, by queue name. */
  workers: Map<string, Worker>;
  intake: Worker;
  close(): Promise<void>;
}

export interface WorkerOverrides extends Partial<Pick<IntakeJobDeps, 'classify' | 'computeDeadlines'>> {}

/** Starts every queue processor of the system in this process (scale out by running more processes). */
export async function startWorkers(config: WorkerConfig, logger: Logger, overrides: WorkerOverrides = {}): Promise<RunningWorkers> {
  const db = await openDatabase(config.MONGODB_URI, { autoIndex: autoIndexEnabled(config) });
  const connection: Redis = createRedisConnection(config.REDIS_URL, 'worker');
  const workers = new Map<string, Worker>();

  const addWorker = (queue: string, processor: ConstructorParameters<typeof Worker>[1], concurrency: number): Worker => {
    const w = new Worker(queue, processor, { connection, prefix: config.QUEUE_PREFIX, concurrency });
    w.on('error', (err) => logger.error({ queue, err: err.message }, 'worker error'));
    recordDeadLetters(w, db.deadLetters, logger);
    workers.set(queue, w);
    return w;
  };

  const intake = addWorker(
    QUEUE_NAMES.intake,
    intakeEnvelopeHandler({
      cases: db.cases,
      classify: overrides.classify ?? interimClassify,
      computeDeadlines: overrides.computeDeadlines ?? interimDeadlines,
      logger,
    }),
    config.INTAKE_CONCURRENCY,
  );

  await Promise.all([...workers.values()].map((w) => w.waitUntilReady()));

  return {
    db,
    workers,
    intake,
    async close() {
      // Each close finishes the jobs in hand (BullMQ waits for them) and takes no new ones.
      await Promise.all([...workers.values()].map((w) => w.close()));
      connection.disconnect();
      await db.close();
    },
  };
}
