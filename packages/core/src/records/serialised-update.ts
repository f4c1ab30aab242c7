import { randomBytes } from 'node:crypto';
import type { CaseLock } from '../case-lifecycle/case-lifecycle';

/** A document written by one owner at a time: its version and the id of the write that made it. */
export interface VersionedRecord {
  version: number;
  writeId?: string;
}

/** The record stayed busy (another admin's change was holding it) or kept being overwritten. */
export class RecordBusy extends Error {
  readonly code = 'RECORD_BUSY';
  constructor(key: string) {
    super(`${key} is being changed by someone else; try again`);
  }
}

export interface SerialisedUpdate<R extends VersionedRecord, S> {
  /** The lease (RedisCaseLock under its own prefix) and the key of this document. */
  lock: CaseLock;
  key: string;
  read(): Promise<R | null>;
  /** The new values, or null when nothing changes. May throw to refuse the change. */
  decide(current: R): S | null;
  /**
   * Writes `set` with the version and write id, only if the stored version is still `expectedVersion`
   * (a version-conditioned update; a false/duplicate outcome is fine: the read back decides).
   */
  write(expectedVersion: number, set: S & VersionedRecord): Promise<void>;
  maxAttempts?: number;
}

/**
 * The CaseLifecycle's discipline for small admin-edited documents (staff accounts, department
 * settings, root causes), which two actors may change at once (two admins, an admin and a
 * sign-in): FerretDB v1 applies an update by reading the document and writing it back, so
 * concurrent updates of one document lose writes and a conditional update is not exclusive.
 * So: per-document Redis lease → read → decide → version-conditioned write → read back, and if
 * our write id is not there (a writer whose lease ran out raced us), run it all again.
 */
export async function updateSerialised<R extends VersionedRecord, S>(
  u: SerialisedUpdate<R, S>,
): Promise<{ record: R | null; changed: boolean }> {
  const attempts = u.maxAttempts ?? 5;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const lease = await u.lock.acquire(u.key);
    if (!lease) throw new RecordBusy(u.key);
    try {
      const current = await u.read();
      if (!current) return { record: null, changed: false };
      const set = u.decide(current);
      if (set === null) return { record: current, changed: false };
      if (!lease.isHeld()) continue;
      const writeId = randomBytes(9).toString('base64url');
      await u.write(current.version, { ...set, version: current.version + 1, writeId });
      const after = await u.read();
      if (after?.writeId === writeId) return { record: after, changed: true };
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
  throw new RecordBusy(u.key);
}
