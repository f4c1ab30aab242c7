import { createHash, randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { CASE_NUMBER_PATTERN, type AttachmentRef } from '@cg/contracts';
import { TransitionRefused, allowedActions, isAllowed, type CaseLifecycle, type JournalEntry, type StaffTokenService } from '@cg/core';
import type { NoteAttachmentRecord, NoteAttachmentRepository } from '@cg/db';
import { HttpProblem, parseRequest, type FieldProblem } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { readMultipartFiles } from '../http/multipart';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { detectAttachmentType, safeFileName } from '../livechat/magic-bytes';
import { staffActor } from './case-actions.routes';
import { sendAttachmentDownload } from '../http/attachment-download';
import { idempotencyKeyHeaders, idempotencyKeyOf } from '../http/idempotency-key';

/** At most this many files per note, each at most this large (a MongoDB document each: well below 16 MB). */
export const NOTE_ATTACHMENT_LIMITS = { maxFiles: 5, maxFileBytes: 5 * 1024 * 1024 } as const;

const paramsSchema = z.object({ caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042') });
const attachmentParamsSchema = paramsSchema.extend({ attachmentId: z.string().regex(/^na[0-9a-f]{24}$/, 'a note attachment id') });
const fieldsSchema = z.object({ text: z.string().trim().min(1, 'the note is required').max(10_000) }).strict();

/**
 * What a note's file may be, decided by its bytes: the images and PDFs the chat accepts (magic
 * bytes), or plain text (a log, a CSV export: valid UTF-8 without control characters).
 */
function contentTypeOf(bytes: Buffer, fileName: string): { contentType: string; extension: string } | null {
  const detected = detectAttachmentType(bytes);
  if (detected) return detected;
  if (!/\.(txt|log|csv)$/i.test(fileName) || bytes.length === 0) return null;
  // eslint-disable-next-line no-control-regex -- control characters other than tab and line breaks mean binary
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(bytes.toString('latin1'))) return null;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return { contentType: 'text/plain; charset=utf-8', extension: 'txt' };
}

/** The note attachments a journal entry references (a merged duplicate's notes are copied with theirs). */
function attachmentIdsOf(entry: JournalEntry): string[] {
  const files = (entry.data as { attachments?: unknown } | undefined)?.attachments;
  return Array.isArray(files) ? files.map((f) => (f as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string') : [];
}

/**
 * Internal notes with files (step 3; staff only, never sent to the customer):
 * - POST /:caseNumber/notes/attachments — multipart/form-data: `text` (the note) and 1–5 files
 *   `files`, each checked by content (PNG, JPEG, GIF, WebP, PDF by magic bytes; or UTF-8 text
 *   named .txt/.log/.csv) and size; one bad file refuses the note (400/413 naming files[n]).
 *   The files are stored first (note_attachments), then the note referencing them is journalled.
 * - GET /:caseNumber/notes/attachments/:attachmentId — a download, for staff who may read the case
 *   (404 for another department's case, or a file no entry of this case references).
 */
export function noteAttachmentRoutes(deps: {
  lifecycle: Pick<CaseLifecycle, 'note' | 'get'>;
  files: Pick<NoteAttachmentRepository, 'saveAll' | 'findById'>;
  tokens: StaffTokenService;
}): Router {
  const router = Router();

  router.post(
    '/:caseNumber/notes/attachments',
    apiDoc({
      summary: 'Add an internal note with attached files (staff only)',
      tag: 'case actions',
      params: paramsSchema,
      headers: idempotencyKeyHeaders,
      body: {
        contentType: 'multipart/form-data',
        description: `Field "text" (the note, required) and 1–${NOTE_ATTACHMENT_LIMITS.maxFiles} files "files" (PNG, JPEG, GIF, WebP, PDF or UTF-8 text; at most ${NOTE_ATTACHMENT_LIMITS.maxFileBytes} bytes each).`,
      },
      responses: { 201: 'The updated case' },
    }),
    requireStaff(deps.tokens, 'cases:note'),
    async (req, res) => {
      const { caseNumber } = parseRequest(paramsSchema, req.params, 'params');
      const clientKey = idempotencyKeyOf(req);
      const staff = currentStaff(req);
      const actor = staffActor(staff);
      // Refusals first (404 other department, 409 merged), before any file is stored.
      const c = await deps.lifecycle.get(caseNumber, actor);
      if (!isAllowed(c.status, 'note')) throw new TransitionRefused(caseNumber, c.status, 'note', allowedActions(c.status));
      const { files, fields } = await readMultipartFiles(req, { ...NOTE_ATTACHMENT_LIMITS, maxFields: 2, maxFieldBytes: 40_000 });
      const { text } = parseRequest(fieldsSchema, fields, 'body');
      const problems: FieldProblem[] = [];
      if (files.length === 0)
        problems.push({ field: 'files', code: 'required', message: 'attach at least one file (or write a plain note)' });
      const records: NoteAttachmentRecord[] = [];
      for (const f of files) {
        if (!f.field.startsWith('files[')) {
          problems.push({ field: f.field, code: 'unknown_field', message: 'send files in the field "files"' });
          continue;
        }
        const type = contentTypeOf(f.bytes, f.fileName);
        if (!type) {
          problems.push({
            field: f.field,
            code: 'unsupported_type',
            message: `${f.fileName}: not a PNG, JPEG, GIF, WebP or PDF file by its content, nor UTF-8 text named .txt, .log or .csv`,
          });
          continue;
        }
        records.push({
          id: `na${randomBytes(12).toString('hex')}`,
          caseNumber,
          fileName: safeFileName(f.fileName, type.extension),
          contentType: type.contentType,
          size: f.bytes.length,
          sha256: createHash('sha256').update(f.bytes).digest('hex'),
          uploadedBy: staff.email,
          data: f.bytes,
        });
      }
      if (problems.length)
        throw new HttpProblem(
          400,
          'validation_failed',
          'Bad attachment',
          `Fix these fields: ${problems.map((p) => p.field).join(', ')}`,
          problems,
        );
      const key = clientKey ? `note:${clientKey}` : undefined;
      if (key && c.journal.some((j) => (j.data as { key?: unknown } | undefined)?.key === key)) {
        // A retry of a note already journalled: its files are stored already.
        res.status(201).json({ ...c, allowedActions: allowedActions(c.status), changed: false });
        return;
      }
      await deps.files.saveAll(records);
      const refs: AttachmentRef[] = records.map(({ id, fileName, contentType, size, sha256 }) => ({
        id,
        fileName,
        contentType,
        size,
        sha256,
      }));
      // A retry racing the first (same Idempotency-Key) is journalled once; its copy of the files is an orphan the worker deletes.
      const result = await deps.lifecycle.note(caseNumber, actor, { text, attachments: refs, ...(key ? { key } : {}) });
      res.status(201).json({ ...result.case, allowedActions: allowedActions(result.case.status), changed: result.changed });
    },
  );

  router.get(
    '/:caseNumber/notes/attachments/:attachmentId',
    apiDoc({
      summary: 'Download a file attached to an internal note',
      tag: 'case actions',
      params: attachmentParamsSchema,
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
    }),
    requireStaff(deps.tokens, 'cases:read'),
    async (req, res) => {
      const { caseNumber, attachmentId } = parseRequest(attachmentParamsSchema, req.params, 'params');
      const c = await deps.lifecycle.get(caseNumber, staffActor(currentStaff(req)));
      const referenced = c.journal.some((j) => attachmentIdsOf(j).includes(attachmentId));
      const a = referenced ? await deps.files.findById(attachmentId) : null;
      if (!a)
        throw new HttpProblem(
          404,
          'attachment_not_found',
          'Attachment not found',
          `case ${caseNumber} has no note attachment ${attachmentId}`,
        );
      sendAttachmentDownload(res, a);
    },
  );

  return router;
}
