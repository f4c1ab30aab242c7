import type { AttachmentRef } from '@cg/contracts';
import type { JournalEntry } from '@cg/core';
import type { CaseRecord, Database } from '@cg/db';

/**
 * Appends one email event to a case's handling journal, once: the entry carries a `key`, and a
 * case whose journal already holds that key is left alone (a retried job writes nothing twice).
 * FerretDB v1 ignores `$ne` on fields inside array elements, hence the check in code; BullMQ
 * runs a job in one worker at a time, which makes the read-then-write safe enough here.
 */
export async function journalOnce(
  db: Database,
  caseRecord: Pick<CaseRecord, 'caseNumber' | 'journal'>,
  key: string,
  entry: JournalEntry,
  extra: { attachments?: AttachmentRef[]; set?: Record<string, unknown>; unset?: string[]; more?: JournalEntry[] } = {},
): Promise<boolean> {
  const journal = (caseRecord.journal ?? []) as Array<{ data?: { key?: unknown } }>;
  if (journal.some((j) => j.data?.key === key)) return false;
  const entries = [{ ...entry, data: { ...(entry.data ?? {}), key } }, ...(extra.more ?? [])];
  await db.cases.model
    .updateOne(
      { caseNumber: caseRecord.caseNumber },
      {
        $push: { journal: { $each: entries }, ...(extra.attachments?.length ? { attachments: { $each: extra.attachments } } : {}) },
        ...(extra.set ? { $set: extra.set } : {}),
        ...(extra.unset?.length ? { $unset: Object.fromEntries(extra.unset.map((f) => [f, 1])) } : {}),
      },
    )
    .exec();
  return true;
}
