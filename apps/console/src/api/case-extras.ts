import type { CaseStatus, Channel } from '@cg/contracts';
import type { CaseView, FieldProblem } from './types';
import type { ActionKeys } from './action-keys';

/**
 * Duplicates (step 2), notes with files and the availability switch for automatic fair
 * assignment (step 3): apps/gateway/src/routes/case-merge.routes.ts, note-attachments.routes.ts,
 * staff-availability.routes.ts.
 */

/** A file referenced by an internal note's journal entry (`data.attachments`). */
export interface NoteAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface PossibleDuplicate {
  caseNumber: string;
  status: CaseStatus;
  channel: Channel;
  department: string;
  subject?: string;
  receivedAt: string;
}

export interface MyAvailability {
  available: boolean;
  department: string;
  autoAssign: boolean;
  assignCap: number;
  queued?: number;
}

type Request = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function createCaseExtrasApi(deps: {
  request: Request;
  download: (path: string) => Promise<Blob>;
  token: () => string | undefined;
  onUnauthorized: () => void;
  /** Turns a refused response into the client's ApiError (shared with the JSON requests). */
  problem: (res: Response) => Promise<Error>;
  baseUrl?: string;
  /** The client's Idempotency-Keys per action (shared with the JSON requests). */
  actionKeys: ActionKeys;
}) {
  const casePath = (caseNumber: string) => `/api/v1/cases/${encodeURIComponent(caseNumber)}`;
  return {
    /** Merges `caseNumber` (the duplicate) into `into`: both cases after it. */
    merge: (caseNumber: string, into: string, reason?: string) =>
      deps.request<{ survivor: CaseView; duplicate: CaseView; changed: boolean }>('POST', `${casePath(caseNumber)}/merge`, {
        into,
        ...(reason ? { reason } : {}),
      }),
    possibleDuplicates: (caseNumber: string) =>
      deps.request<{ items: PossibleDuplicate[] }>('GET', `${casePath(caseNumber)}/possible-duplicates`),

    /** An internal note with files (multipart): the updated case, or an ApiError naming files[n]. */
    async noteWithFiles(caseNumber: string, text: string, files: File[]): Promise<CaseView> {
      const body = new FormData();
      body.append('text', text);
      for (const f of files) body.append('files', f, f.name);
      const token = deps.token();
      const path = `${casePath(caseNumber)}/notes/attachments`;
      // The action as its text and files (name, size, date): the same note sent again is its retry.
      const action = JSON.stringify([text, files.map((f) => [f.name, f.size, f.lastModified])]);
      const key = deps.actionKeys.keyFor('POST', path, action);
      const res = await fetch(`${deps.baseUrl ?? ''}${path}`, {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'idempotency-key': key },
        body,
      });
      deps.actionKeys.answered('POST', path, action, res.status);
      if (res.status === 401 && token) deps.onUnauthorized();
      if (!res.ok) throw await deps.problem(res);
      return (await res.json()) as CaseView;
    },
    /** A note's file, as a blob to save (the bearer token is needed, so it is fetched, not linked). */
    noteAttachment: (caseNumber: string, id: string) =>
      deps.download(`${casePath(caseNumber)}/notes/attachments/${encodeURIComponent(id)}`),

    myAvailability: () => deps.request<MyAvailability>('GET', '/api/v1/staff/me/availability'),
    setAvailability: (available: boolean) => deps.request<MyAvailability>('PUT', '/api/v1/staff/me/availability', { available }),
  };
}

/** The files an entry references (notes with attachments, and their copies in a merged case). */
export function noteAttachmentsOf(data: Record<string, unknown> | undefined): NoteAttachment[] {
  const files = data?.attachments;
  if (!Array.isArray(files)) return [];
  return files.filter(
    (f): f is NoteAttachment =>
      typeof f === 'object' &&
      f !== null &&
      typeof (f as NoteAttachment).id === 'string' &&
      typeof (f as NoteAttachment).fileName === 'string',
  );
}

export type { FieldProblem };
