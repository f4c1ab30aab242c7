import type { CaseData, CaseStore, StoredCase } from '@cg/core';

type InsertAnswer = { record: StoredCase; created: boolean } | Error;

/** What the batcher writes through (CaseRepository.insertManyIfAbsent). */
export interface BatchCaseInserter {
  insertManyIfAbsent(docs: CaseData[]): Promise<InsertAnswer[]>;
}

/**
 * Batches the intake worker's case inserts: the inserts of the jobs that reach this point while
 * the previous batch is being written go together in one unordered insertMany (no timer: a lone
 * job is written at once). Each job still waits for its own answer and fails alone — a document
 * the database refuses rejects that job's insert only, so BullMQ retries it and dead-letters it
 * after its last attempt exactly as with one insert per job; a duplicate (channel,
 * idempotencyKey) answers the existing case, as insertIfAbsent does.
 */
export class CaseInsertBatcher {
  private waiting: Array<{ doc: CaseData; resolve: (a: { record: StoredCase; created: boolean }) => void; reject: (e: Error) => void }> =
    [];
  private writing = false;
  /** Sizes of the batches written (a metric and a test hook). */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly inserter: BatchCaseInserter,
    private readonly maxBatch = 100,
  ) {}

  insertIfAbsent(doc: CaseData): Promise<{ record: StoredCase; created: boolean }> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    // Jobs started in the same tick join the first batch too.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, this.maxBatch);
        if (this.batchSizes.length < 10_000) this.batchSizes.push(batch.length);
        let answers: InsertAnswer[];
        try {
          answers = await this.inserter.insertManyIfAbsent(batch.map((b) => b.doc));
        } catch (err) {
          answers = batch.map(() => err as Error);
        }
        batch.forEach((b, i) => {
          const a = answers[i] ?? new Error('no answer for this case insert');
          if (a instanceof Error) b.reject(a);
          else b.resolve(a);
        });
      }
    } finally {
      this.writing = false;
    }
  }

  /** The store with its insertIfAbsent batched; every other method is the store's own. */
  wrap<S extends CaseStore>(store: S): S {
    return new Proxy(store, {
      get: (target, prop, receiver) => {
        if (prop === 'insertIfAbsent') return (doc: CaseData) => this.insertIfAbsent(doc);
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}
