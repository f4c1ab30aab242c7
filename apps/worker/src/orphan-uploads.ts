import type { Database } from '@cg/db';

/**
 * Deletes uploads nothing refers to once they are older than `before`: chat files no message of
 * their conversation carries (the visitor uploaded and never sent), and note files no journal
 * entry of their case references (the note failed after the files were stored). A chat message
 * carries its files' references, and a case made from a chat copies them from its messages, so a
 * file referenced anywhere is referenced by a message. A file in use is never older than its
 * reference by more than the age given (24 h by default), so nothing in use is deleted.
 */
export async function sweepOrphanUploads(deps: {
  db: Pick<Database, 'chatAttachments' | 'noteAttachments' | 'conversations' | 'cases'>;
  before: Date;
  limit?: number;
}): Promise<{ chat: number; notes: number }> {
  const { db, before } = deps;
  const limit = deps.limit ?? 500;

  const chatOrphans: string[] = [];
  for (const [conversationId, ids] of groupBy(await db.chatAttachments.createdBefore(before, limit), (a) => a.conversationId)) {
    const referenced = new Set<string>();
    for (let after = 0; ;) {
      const page = await db.conversations.messagesAfter(conversationId, after, 500);
      for (const m of page) for (const a of m.attachments ?? []) if (a.id) referenced.add(a.id);
      if (page.length < 500) break;
      after = page[page.length - 1]!.seq;
    }
    chatOrphans.push(...ids.filter((a) => !referenced.has(a.id)).map((a) => a.id));
  }

  const noteOrphans: string[] = [];
  for (const [caseNumber, ids] of groupBy(await db.noteAttachments.createdBefore(before, limit), (a) => a.caseNumber)) {
    const c = await db.cases.findByCaseNumber(caseNumber);
    const referenced = new Set(
      (c?.journal ?? []).flatMap((j) => {
        const files = (j.data as { attachments?: unknown } | undefined)?.attachments;
        return Array.isArray(files)
          ? files.map((f) => (f as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string')
          : [];
      }),
    );
    noteOrphans.push(...ids.filter((a) => !referenced.has(a.id)).map((a) => a.id));
  }

  return { chat: await db.chatAttachments.deleteByIds(chatOrphans), notes: await db.noteAttachments.deleteByIds(noteOrphans) };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
