import { createHash } from 'node:crypto';
import { JOB_NAMES, intakeSubmissionSchema, type IntakeEnvelope, type IntakeSubmission } from '@cg/contracts';
import type { CaseNumberAllocator } from './case-number-allocator';
import { safeJobId, type IntakeQueue } from './queues';

/** Redis did not take the complaint in time: nothing durable was written; the caller may retry. */
export class IntakeUnavailableError extends Error {
  readonly code = 'INTAKE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(`the intake queue is unavailable: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export interface IntakeReceipt {
  caseNumber: string;
  /** The idempotency key had been submitted before; no second case will be created. */
  duplicate: boolean;
  envelope: IntakeEnvelope;
}

/**
 * What every channel adapter calls: allocates (or recalls) the case number for the
 * idempotency key and makes the envelope durable in the intake queue. Resolves only once
 * Redis has the job, so an adapter may acknowledge the customer after it returns.
 */
export class IntakePublisher {
  constructor(
    private readonly queue: IntakeQueue,
    private readonly allocator: CaseNumberAllocator,
    private readonly timeoutMs: number,
  ) {}

  async publish(submission: IntakeSubmission): Promise<IntakeReceipt> {
    const submitted = intakeSubmissionSchema.parse(withoutNulCharacters(submission)); // an adapter bug, not customer input
    return withTimeout(this.timeoutMs, async () => {
      const { caseNumber, existing } = await this.allocator.allocate(
        submitted.channel,
        submitted.idempotencyKey,
        new Date(submitted.receivedAt),
      );
      const final: IntakeEnvelope = {
        schemaVersion: 1,
        caseNumber,
        ...submitted,
        correlationId: submitted.correlationId ?? intakeJobId(submitted),
      };
      // Added even for a repeat: if the first attempt got its number but failed before the
      // add, this completes it. A job still in Redis dedupes on jobId; after that the
      // worker's unique index makes the repeat a no-op.
      await this.queue.add(JOB_NAMES.intakeEnvelope, final, { jobId: intakeJobId(final) });
      return { caseNumber, duplicate: existing, envelope: final };
    });
  }
}

export function intakeJobId(e: Pick<IntakeEnvelope, 'channel' | 'idempotencyKey'>): string {
  const digest = createHash('sha256').update(e.idempotencyKey).digest('hex').slice(0, 32);
  return safeJobId('intake', e.channel, digest);
}

async function withTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
      }),
    ]);
  } catch (err) {
    throw new IntakeUnavailableError(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The submission with every U+0000 removed from its strings. FerretDB stores documents as
 * PostgreSQL jsonb, which cannot hold U+0000: a case whose text had one was acknowledged with a
 * case number and then never inserted (the intake job retried into the dead letters). Found by
 * the fuzz tests (issue 11); MongoDB would store it, but nobody needs the character.
 */
export function withoutNulCharacters<T>(value: T): T {
  // The usual submission has none: returned as it is, without copying it (issue 12's profile).
  return hasNulCharacter(value) ? withoutNul(value) : value;
}

function hasNulCharacter(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNulCharacter);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || hasNulCharacter(v)) return true;
  }
  return false;
}

function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}
