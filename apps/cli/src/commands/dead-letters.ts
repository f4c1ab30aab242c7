import type { Database } from '@cg/db';
import { createIntakeQueue, safeJobId, type RedisClient } from '@cg/queue';
import { QUEUE_NAMES } from '@cg/contracts';
import { UsageError } from './staff-users';

/** Puts a dead-lettered job back on its queue under a new job id, and marks the record re-driven. */
export async function redriveDeadLetter(db: Database, redis: RedisClient, prefix: string, id: string): Promise<string> {
  const record = await db.deadLetters.findById(id).catch(() => null);
  if (!record) throw new UsageError(`no dead letter with id ${id} (see dead-letters:list)`);
  if (record.status !== 'dead') throw new UsageError(`dead letter ${id} was already re-driven as job ${record.redriveJobId}`);
  if (record.queue !== QUEUE_NAMES.intake) throw new UsageError(`re-drive for queue ${record.queue} is not supported yet`);
  const queue = createIntakeQueue({ connection: redis, prefix });
  try {
    const jobId = safeJobId(record.jobId, 'redrive', String(Date.now()));
    await queue.add(record.jobName, record.data as never, { jobId });
    await db.deadLetters.markRedriven(id, jobId, new Date());
    return jobId;
  } finally {
    await queue.close();
  }
}
