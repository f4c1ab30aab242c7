import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  POSTAL_TO_VERIFY,
  postalConfirmRequestSchema,
  postalListQuerySchema,
  postalRejectRequestSchema,
  type PostalConfirmed,
  type PostalConfirmRequest,
} from '@cg/contracts';
import type { StaffTokenService } from '@cg/core';
import { postalReceiptFileName, postalReceiptInput, renderReceiptLetter } from '@cg/letters';
import { POSTAL_DECIDABLE, type CaseRepository, type PostalLetterRecord, type PostalLetterRepository } from '@cg/db';
import { inspectScan, scanFileName, ScanRejected, sha256Of, type FileStore, type ScanLimits } from '@cg/postal';
import { IntakeUnavailableError, queueOcrLetter, type IntakePublisher, type OcrQueue } from '@cg/queue';
import { readMultipartFiles } from '../http/multipart';
import { HttpProblem, intakeUnavailableProblem, parseRequest, type FieldProblem } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { currentStaff, requireStaff } from '../http/staff-auth';

export interface PostalRouteDeps {
  tokens: StaffTokenService;
  publisher: IntakePublisher;
  letters: PostalLetterRepository;
  cases: Pick<CaseRepository, 'findByCaseNumber'>;
  /** The letterhead of the receipt slip. */
  company: { name: string; address: string; hotline: string; email: string; city?: string };
  store: FileStore;
  ocrQueue: OcrQueue;
  limits: ScanLimits;
  maxFilesPerUpload: number;
}

const BASE = '/api/v1/postal/letters';
/** For the API document: the handlers look letters up by this id (an unknown one is a 404). */
const letterParams = z.object({ id: z.string().describe('the letter id') });
const pageParams = letterParams.extend({ page: z.string().regex(/^\d+$/).describe('page number, from 1') });

/**
 * Postal adapter. A clerk uploads scans (stored durably, content-addressed, checked by content);
 * the worker reads them (OCR); the clerk corrects and confirms, and only then is the letter
 * translated into an intake envelope (channel postal, idempotency key = the scan's SHA-256).
 * Like every adapter it never classifies nor writes cases.
 */
export function postalRoutes(deps: PostalRouteDeps): Router {
  const router = Router();

  router.post(
    '/letters',
    apiDoc({
      summary: 'Upload scanned letters (one or a batch)',
      body: { contentType: 'multipart/form-data', description: 'one or more scans (PDF, JPEG, PNG, TIFF) in the field "files"' },
      responses: { 201: 'Stored; OCR queued' },
    }),
    requireStaff(deps.tokens, 'postal:upload'),
    async (req, res) => {
      const clerk = currentStaff(req);
      const { files } = await readMultipartFiles(req, { maxFiles: deps.maxFilesPerUpload, maxFileBytes: deps.limits.maxBytes });
      if (!files.length) {
        throw new HttpProblem(400, 'no_files', 'No scan attached', 'attach one or more scans in the multipart field "files"', [
          { field: 'files', code: 'required', message: 'attach at least one PDF, JPEG, PNG or TIFF scan' },
        ]);
      }
      // Every file is checked before any is stored: a batch is taken whole or not at all.
      const problems: (FieldProblem & { status: number })[] = [];
      const checked = [];
      for (const file of files) {
        try {
          checked.push({ file, info: await inspectScan(file.bytes, deps.limits) });
        } catch (err) {
          if (!(err instanceof ScanRejected)) throw err;
          problems.push({ field: file.field, code: err.code, message: `${file.fileName}: ${err.message}`, status: err.status });
        }
      }
      if (problems.length) {
        const status = problems.every((p) => p.status === 413) ? 413 : 422;
        throw new HttpProblem(
          status,
          'invalid_scan',
          problems.length === 1 ? 'Scan refused' : 'Scans refused',
          `nothing was stored; fix or remove: ${problems.map((p) => p.message).join('; ')}`,
          problems.map(({ field, code, message }) => ({ field, code, message })),
        );
      }

      const results = [];
      for (const { file, info } of checked) {
        // Durable before anything points at it, and before the clerk hears "received".
        const sha256 = await deps.store.put(file.bytes);
        if (sha256 !== sha256Of(file.bytes)) throw new Error('file store returned another hash');
        const { letter, created } = await deps.letters.createOrGet({
          sha256,
          fileName: file.fileName,
          contentType: info.contentType,
          kind: info.kind,
          size: file.bytes.length,
          pageCount: info.pages,
          uploadedBy: { staffId: clerk.staffId, role: clerk.role, ...(clerk.name ? { name: clerk.name } : {}) },
          uploadedAt: new Date(),
        });
        // A letter stuck in `uploaded` (Redis was down last time) is queued again by a repeat upload.
        if (letter.status === 'uploaded') {
          try {
            await queueOcrLetter(deps.ocrQueue, { letterId: String(letter._id), sha256 });
          } catch (err) {
            throw new HttpProblem(
              503,
              'ocr_queue_unavailable',
              'Reading the scan could not be queued',
              `the scan ${file.fileName} is stored (letter ${String(letter._id)}) but its OCR is not queued: upload the same file again shortly (${(err as Error).message})`,
              undefined,
              { 'Retry-After': '5' },
            );
          }
          await deps.letters.markQueued(letter._id);
          letter.status = 'ocr_pending';
        }
        results.push({ ...letterSummary(letter), field: file.field, duplicate: !created });
      }
      res.status(results.some((r) => !r.duplicate) ? 201 : 200).json({ letters: results });
    },
  );

  router.get(
    '/letters',
    apiDoc({ summary: 'List letters', query: postalListQuerySchema }),
    requireStaff(deps.tokens, 'postal:read'),
    async (req, res) => {
      const query = parseRequest(postalListQuerySchema, req.query, 'query');
      const { items, total } = await deps.letters.list(query);
      res.json({ items: items.map(letterSummary), total, page: query.page, pageSize: query.pageSize });
    },
  );

  router.get(
    '/letters/:id',
    apiDoc({ summary: 'One letter with its recognised text and fields', params: letterParams }),
    requireStaff(deps.tokens, 'postal:read'),
    async (req, res) => {
      res.json(letterView(await findLetter(deps.letters, req.params.id)));
    },
  );

  router.get(
    '/letters/:id/scan',
    apiDoc({
      summary: 'Download the scan',
      params: letterParams,
      responses: { 200: { description: 'The scan as uploaded', contentType: 'application/octet-stream' } },
    }),
    requireStaff(deps.tokens, 'postal:read'),
    async (req, res) => {
      const letter = await findLetter(deps.letters, req.params.id);
      const stream = await deps.store.stream(letter.sha256);
      if (!stream) throw new HttpProblem(404, 'scan_missing', 'The scan file is missing from the store', `sha256 ${letter.sha256}`);
      // Named by the kind checked at upload, not by the clerk's file's extension.
      sendFile(res, stream, letter.contentType, letter.size, scanFileName(letter.fileName, letter.kind), 'attachment');
    },
  );

  router.get(
    '/letters/:id/pages/:page/image',
    apiDoc({
      summary: 'One page rendered as PNG',
      params: pageParams,
      responses: { 200: { description: 'PNG', contentType: 'image/png' } },
    }),
    requireStaff(deps.tokens, 'postal:read'),
    async (req, res) => {
      const letter = await findLetter(deps.letters, req.params.id);
      const n = Number(req.params.page);
      if (!Number.isInteger(n) || n < 1 || n > letter.pageCount) {
        throw new HttpProblem(404, 'page_not_found', 'No such page', `the letter has ${letter.pageCount} page(s)`, [
          { field: 'page', code: 'out_of_range', message: `1 to ${letter.pageCount}` },
        ]);
      }
      const page = letter.ocr?.pages.find((p) => p.page === n);
      if (!page?.imageSha256) {
        const pending = letter.status === 'uploaded' || letter.status === 'ocr_pending';
        throw new HttpProblem(
          pending ? 409 : 404,
          pending ? 'not_rendered_yet' : 'page_image_missing',
          pending ? 'The page is not rendered yet' : 'No image of this page',
          pending
            ? 'the OCR job renders the pages; try again when the letter is ocr_done'
            : (page?.error?.message ?? 'the page could not be rendered'),
        );
      }
      const stream = await deps.store.stream(page.imageSha256);
      if (!stream) throw new HttpProblem(404, 'page_image_missing', 'No image of this page', 'missing from the store');
      const size = await deps.store.size(page.imageSha256);
      sendFile(res, stream, 'image/png', size ?? undefined, `page-${n}.png`, 'inline');
    },
  );

  router.post(
    '/letters/:id/confirm',
    apiDoc({
      summary: 'Confirm the corrected letter into a case',
      params: letterParams,
      body: postalConfirmRequestSchema,
      responses: { 201: 'Accepted into intake: the case number', 200: 'Already confirmed' },
    }),
    requireStaff(deps.tokens, 'postal:verify'),
    async (req, res) => {
      const letter = await findLetter(deps.letters, req.params.id);
      if (letter.status === 'confirmed' && letter.caseNumber) return res.status(200).json(confirmed(letter, letter.caseNumber, true));
      assertDecidable(letter);
      const body = parseRequest(postalConfirmRequestSchema, req.body, 'body');
      const receivedAt = body.receivedAt ? new Date(body.receivedAt) : new Date(letter.receivedAt);
      if (receivedAt.getTime() > new Date(letter.uploadedAt).getTime() + 60_000 || receivedAt.getTime() < Date.UTC(2000, 0, 1)) {
        throw new HttpProblem(
          400,
          'validation_failed',
          'Invalid request body',
          'receivedAt: the date the letter was received cannot be after its upload',
          [
            {
              field: 'receivedAt',
              code: 'out_of_range',
              message: `the received stamp or postmark, not after the upload (${new Date(letter.uploadedAt).toISOString()})`,
            },
          ],
        );
      }
      const clerk = currentStaff(req);
      const by = { staffId: clerk.staffId, role: clerk.role, ...(clerk.name ? { name: clerk.name } : {}) };
      let receipt;
      try {
        receipt = await deps.publisher.publish(envelopeOf(letter, body, receivedAt, by));
      } catch (err) {
        if (err instanceof IntakeUnavailableError) {
          throw intakeUnavailableProblem('confirm again: the same letter gets the same case number');
        }
        throw err;
      }
      const fields = Object.fromEntries(Object.entries(body.fields).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const updated = await deps.letters.markConfirmed(
        letter._id,
        {
          text: body.text.normalize('NFC'),
          ...(body.subject ? { subject: body.subject } : {}),
          ...(body.customerRequest ? { customerRequest: body.customerRequest } : {}),
          fields,
          by,
          at: new Date(),
        },
        receipt.caseNumber,
        receivedAt,
      );
      if (!updated) {
        // Another confirm won the race: its case number is this letter's (same idempotency key, same number).
        const now = await findLetter(deps.letters, req.params.id);
        if (now.status === 'confirmed' && now.caseNumber) return res.status(200).json(confirmed(now, now.caseNumber, true));
        assertDecidable(now);
      }
      res
        .status(201)
        .location(`/api/v1/cases/${receipt.caseNumber}`)
        .json(confirmed(updated ?? letter, receipt.caseNumber, receipt.duplicate));
    },
  );

  router.get(
    '/letters/:id/receipt.pdf',
    apiDoc({
      summary: 'The receipt slip of a confirmed letter',
      params: letterParams,
      responses: { 200: { description: 'PDF', contentType: 'application/pdf' } },
    }),
    requireStaff(deps.tokens, 'postal:read'),
    async (req, res) => {
      const letter = await findLetter(deps.letters, req.params.id);
      if (letter.status !== 'confirmed' || !letter.caseNumber || !letter.confirmation) {
        throw new HttpProblem(
          409,
          'not_confirmed',
          'No receipt before confirmation',
          `status ${letter.status}: the receipt slip exists once the letter is a case`,
        );
      }
      const kase = await deps.cases.findByCaseNumber(letter.caseNumber);
      const deadlines = kase?.deadlines as { target?: { dueDate?: string }; cap?: { dueDate?: string } } | undefined;
      if (!kase || !deadlines?.target?.dueDate || !deadlines.cap?.dueDate) {
        throw new HttpProblem(
          409,
          'case_not_ready',
          'The case is being created',
          `case ${letter.caseNumber}: try again in a moment`,
          undefined,
          { 'Retry-After': '2' },
        );
      }
      // The same slip the worker e-mails when the letter gives an address (postalReceiptInput).
      const pdf = await renderReceiptLetter(
        postalReceiptInput({
          company: deps.company,
          caseNumber: letter.caseNumber,
          receivedAt: kase.receivedAt,
          deadlines: { target: deadlines.target.dueDate, cap: deadlines.cap.dueDate },
          ...(kase.customer?.name ? { caseCustomerName: kase.customer.name } : {}),
          confirmation: letter.confirmation,
        }),
      );
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `inline; filename="${postalReceiptFileName(letter.caseNumber)}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(Buffer.from(pdf));
    },
  );

  router.post(
    '/letters/:id/reject',
    apiDoc({ summary: 'Reject a letter that is no complaint', params: letterParams, body: postalRejectRequestSchema }),
    requireStaff(deps.tokens, 'postal:verify'),
    async (req, res) => {
      const letter = await findLetter(deps.letters, req.params.id);
      if (letter.status === 'rejected') return res.json(letterView(letter));
      assertDecidable(letter);
      const { reason } = parseRequest(postalRejectRequestSchema, req.body, 'body');
      const clerk = currentStaff(req);
      const updated = await deps.letters.markRejected(letter._id, {
        reason,
        by: { staffId: clerk.staffId, role: clerk.role, ...(clerk.name ? { name: clerk.name } : {}) },
        at: new Date(),
      });
      if (!updated) assertDecidable(await findLetter(deps.letters, req.params.id));
      res.json(letterView(updated ?? letter));
    },
  );

  return router;
}

async function findLetter(letters: PostalLetterRepository, id: unknown): Promise<PostalLetterRecord> {
  const letter = typeof id === 'string' ? await letters.findById(id) : null;
  if (!letter)
    throw new HttpProblem(404, 'letter_not_found', 'No such letter', `no postal letter ${String(id).slice(0, 40)}`, [
      { field: 'id', code: 'not_found', message: 'a letter id as returned by the upload' },
    ]);
  return letter;
}

function assertDecidable(letter: PostalLetterRecord): void {
  if (POSTAL_DECIDABLE.includes(letter.status)) return;
  if (letter.status === 'confirmed')
    throw new HttpProblem(409, 'letter_confirmed', 'The letter was confirmed already', `case ${letter.caseNumber ?? '?'}`);
  if (letter.status === 'rejected')
    throw new HttpProblem(409, 'letter_rejected', 'The letter was rejected', letter.rejection?.reason ?? '');
  throw new HttpProblem(
    409,
    'ocr_not_finished',
    'The letter is still being read',
    `status ${letter.status}: wait until it is ocr_done or ocr_failed`,
  );
}

function confirmed(letter: PostalLetterRecord, caseNumber: string, duplicate: boolean): PostalConfirmed {
  return {
    letterId: String(letter._id),
    caseNumber,
    duplicate,
    links: { case: `/api/v1/cases/${caseNumber}`, letter: `${BASE}/${String(letter._id)}` },
  };
}

/** The clerk's letter as an intake envelope: the corrected text, the sender as written, the scan by reference. */
function envelopeOf(
  letter: PostalLetterRecord,
  body: PostalConfirmRequest,
  receivedAt: Date,
  by: { staffId: string; role: PostalLetterRecord['uploadedBy']['role']; name?: string },
) {
  const f = body.fields;
  // The case has no address, domain or letter-date fields: they follow the text, labelled, for staff.
  const extra = [
    f.address ? `Địa chỉ / Address: ${f.address}` : '',
    f.domain ? `Tên miền / Domain: ${f.domain}` : '',
    f.letterDate ? `Ngày thư / Letter date: ${f.letterDate}` : '',
  ].filter(Boolean);
  const bodyText = [body.text.normalize('NFC'), extra.length ? `---\n${extra.join('\n')}` : ''].filter(Boolean).join('\n\n');
  return {
    channel: 'postal' as const,
    idempotencyKey: letter.sha256,
    customer: {
      ...(f.senderName ? { name: f.senderName } : {}),
      ...(f.phone ? { phone: f.phone } : {}),
      ...(f.email ? { email: f.email } : {}),
      ...(f.customerId ? { customerId: f.customerId } : {}),
    },
    subject: body.subject ?? `Thư khiếu nại qua bưu điện${f.senderName ? ` — ${f.senderName}` : ''}`,
    bodyText: bodyText.slice(0, 100_000),
    attachments: [
      {
        id: `postal-scan:${letter.sha256}`,
        fileName: letter.fileName,
        contentType: letter.contentType,
        size: letter.size,
        sha256: letter.sha256,
      },
    ],
    receivedAt: receivedAt.toISOString(),
    rawRef: `postal-letter:${String(letter._id)}/sha256:${letter.sha256}`,
    recordedBy: by,
    resolvedOnContact: false,
  };
}

function sendFile(
  res: Response,
  stream: NodeJS.ReadableStream & { destroy(): void },
  type: string,
  size: number | undefined,
  fileName: string,
  disposition: 'inline' | 'attachment',
) {
  res.setHeader('Content-Type', type);
  if (size !== undefined) res.setHeader('Content-Length', String(size));
  res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('Cache-Control', 'private, max-age=3600, immutable'); // content-addressed: never changes
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}

/** One line of the "letters to verify" list. */
export function letterSummary(l: PostalLetterRecord) {
  const id = String(l._id);
  const fields = l.fields ?? {};
  return {
    id,
    sha256: l.sha256,
    fileName: l.fileName,
    contentType: l.contentType,
    size: l.size,
    pageCount: l.pageCount,
    status: l.status,
    toVerify: POSTAL_TO_VERIFY.includes(l.status),
    uploadedAt: l.uploadedAt,
    receivedAt: l.receivedAt,
    uploadedBy: l.uploadedBy,
    confidence: l.ocr?.confidence ?? null,
    /** Prefilled fields the clerk should check against the scan first. */
    lowConfidenceFields: Object.entries(fields)
      .filter(([, v]) => (v as { lowConfidence?: boolean } | undefined)?.lowConfidence)
      .map(([k]) => k),
    failedPages: (l.ocr?.pages ?? []).filter((p) => p.error).map((p) => p.page),
    ...(l.failure?.message ? { failure: l.failure } : {}),
    ...(l.caseNumber ? { caseNumber: l.caseNumber } : {}),
    links: {
      self: `${BASE}/${id}`,
      scan: `${BASE}/${id}/scan`,
      ...(l.caseNumber ? { case: `/api/v1/cases/${l.caseNumber}`, receipt: `${BASE}/${id}/receipt.pdf` } : {}),
    },
  };
}

/** The whole letter for the clerk's screen: pages (image link, text, confidence, problems), prefilled fields, the decision. */
export function letterView(l: PostalLetterRecord) {
  const id = String(l._id);
  const pages = Array.from({ length: l.pageCount }, (_, i) => {
    const p = l.ocr?.pages.find((x) => x.page === i + 1);
    return {
      page: i + 1,
      image: p?.imageSha256 ? `${BASE}/${id}/pages/${i + 1}/image` : null,
      source: p?.source ?? null,
      text: p?.text ?? '',
      confidence: p?.confidence ?? null,
      lines: (p?.lines ?? []).map((x) => ({ text: x.text, confidence: x.confidence })),
      rotation: p?.rotation ?? 0,
      skewDegrees: p?.skewDegrees ?? 0,
      error: p?.error?.code ? { code: p.error.code, message: p.error.message } : null,
    };
  });
  return {
    ...letterSummary(l),
    text: pages
      .map((p) => p.text)
      .filter(Boolean)
      .join('\n\n'),
    pages,
    fields: l.fields ?? {},
    ocr: l.ocr ? { confidence: l.ocr.confidence, languages: l.ocr.languages, ms: l.ocr.ms, finishedAt: l.ocr.finishedAt } : null,
    confirmation: l.confirmation ?? null,
    rejection: l.rejection ?? null,
  };
}
