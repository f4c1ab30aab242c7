import { Worker } from 'bullmq';
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
  intake: Worker;
  close(): Promise<void>;
}

export async function startWorkers(
  config: WorkerConfig,
  logger: Logger,
  overrides: Partial<Pick<IntakeJobDeps, 'classify' | 'computeDeadlines'>> = {},
): Promise<RunningWorkers> {
  const db = await openDatabase(config.MONGODB_URI, { autoIndex: autoIndexEnabled(config) });
  const connection = createRedisConnection(config.REDIS_URL, 'worker');
  const intake = new Worker(
    QUEUE_NAMES.intake,
    intakeEnvelopeHandler({
      cases: db.cases,
      classify: overrides.classify ?? interimClassify,
      computeDeadlines: overrides.computeDeadlines ?? interimDeadlines,
      logger,
    }),
    { connection, prefix: config.QUEUE_PREFIX, concurrency: config.INTAKE_CONCURRENCY },
  );
  intake.on('error', (err) => logger.error({ err: err.message }, 'intake worker error'));
  recordDeadLetters(intake, db.deadLetters, logger);
  await intake.waitUntilReady();

  return {
    db,
    intake,
    async close() {
      // Finishes the jobs in hand (BullMQ waits for them), takes no new ones, then disconnects.
      await intake.close();
      connection.disconnect();
      await db.close();
    },
  };
}
