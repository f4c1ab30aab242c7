import type { Job, Queue, Worker } from 'bullmq';
import type { Database } from '@cg/db';
import { OPEN_STATUSES, QUEUE_NAMES, type QueueName } from '@cg/contracts';
import type { Gauge, MetricsRegistry } from '@cg/core';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

/** Job outcomes and durations of one BullMQ worker, and the domain counters its results carry. */
export function instrumentWorker(worker: Worker, queue: QueueName, metrics: MetricsRegistry): void {
  // Timed here: the job copy the events carry has no processedOn/finishedOn in every BullMQ version.
  const started = new Map<string, number>();
  worker.on('active', (job) => started.set(job.id ?? '', performance.now()));
  const finished = (job: Job | undefined, outcome: 'completed' | 'failed') => {
    metrics.inc('bullmq_jobs_total', { queue, outcome });
    const since = started.get(job?.id ?? '');
    started.delete(job?.id ?? '');
    if (since !== undefined) metrics.observe('bullmq_job_duration_seconds', { queue, outcome }, (performance.now() - since) / 1000);
  };
  worker.on('failed', (job) => finished(job, 'failed'));
  worker.on('completed', (job, result: unknown) => {
    finished(job, 'completed');
    const data = (job.data ?? {}) as Record<string, unknown>;
    const value = (result ?? {}) as Record<string, unknown>;
    if (queue === QUEUE_NAMES.intake && value.created === true) {
      const channel = String(data.channel);
      metrics.inc('cases_received_total', { channel });
      if (value.abstained === true) metrics.inc('classifier_abstentions_total', { channel });
    } else if (queue === QUEUE_NAMES.deadlines && typeof value.outcome === 'string') {
      metrics.inc('deadline_checks_total', { kind: String(data.kind), outcome: value.outcome });
    } else if (queue === QUEUE_NAMES.ocr && typeof value.pages === 'number') {
      metrics.inc('ocr_pages_total', { status: String(value.status) }, value.pages);
    }
  });
}

/** Jobs per queue and state, read from Redis at each scrape (one getJobCounts per queue). */
export function queueDepthGauges(queues: ReadonlyArray<Queue>): () => Promise<Gauge[]> {
  return async () => {
    const counts = await Promise.all(queues.map(async (q) => [q.name, await q.getJobCounts(...QUEUE_STATES)] as const));
    return counts.flatMap(([queue, byState]) =>
      QUEUE_STATES.map((state) => ({ name: 'bullmq_queue_jobs', labels: { queue, state }, value: byState[state] ?? 0 })),
    );
  };
}

/**
 * Open cases by status and department: one $match/$group (FerretDB v1 runs both), cached so a
 * scrape every few seconds costs one aggregate per `ttlMs`. Read-only: writes go through CaseLifecycle.
 */
export function openCaseGauges(connection: Database['connection'], ttlMs = 30_000): () => Promise<Gauge[]> {
  let cached: { at: number; gauges: Gauge[] } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < ttlMs) return cached.gauges;
    const groups = await connection
      .collection('cases')
      .aggregate<{ _id: { status: string; department: string }; count: number }>([
        { $match: { status: { $in: [...OPEN_STATUSES] } } },
        { $group: { _id: { status: '$status', department: '$department' }, count: { $sum: 1 } } },
      ])
      .toArray();
    const gauges = groups.map((g) => ({
      name: 'cases_open',
      labels: { status: g._id.status, department: g._id.department ?? 'none' },
      value: g.count,
    }));
    cached = { at: Date.now(), gauges };
    return gauges;
  };
}
