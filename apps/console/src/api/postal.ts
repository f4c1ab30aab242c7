import type { PostalConfirmed, PostalConfirmRequest, PostalField, PostalLetterStatus, StaffRole } from '@cg/contracts';
import type { FieldProblem } from './types';

/**
 * The postal channel's staff API (apps/gateway/src/routes/postal.routes.ts): scans uploaded by
 * the clerk, read by OCR in the worker, verified and confirmed into a case or rejected.
 */

export interface PostalLetterSummary {
  id: string;
  sha256: string;
  fileName: string;
  contentType: string;
  size: number;
  pageCount: number;
  status: PostalLetterStatus;
  toVerify: boolean;
  uploadedAt: string;
  receivedAt: string;
  uploadedBy: { staffId: string; role: StaffRole; name?: string };
  /** Mean OCR confidence 0–100, null before OCR or when nothing was read. */
  confidence: number | null;
  lowConfidenceFields: PostalField[];
  failedPages: number[];
  failure?: { code: string; message: string };
  caseNumber?: string;
  links: { self: string; scan: string; case?: string; receipt?: string };
}

/** One upload result: the letter, the multipart field it came in, and whether it existed already (same SHA-256). */
export interface UploadedLetter extends PostalLetterSummary {
  field: string;
  duplicate: boolean;
}

export interface PostalPageView {
  page: number;
  /** The page as a PNG (needs the bearer token: fetched as a blob), null before OCR or when it could not be rendered. */
  image: string | null;
  source: 'text-layer' | 'ocr' | null;
  text: string;
  confidence: number | null;
  rotation: number;
  skewDegrees: number;
  error: { code: string; message: string } | null;
}

export interface ExtractedField {
  value: string;
  confidence?: number;
  lowConfidence?: boolean;
}

export interface PostalLetterView extends PostalLetterSummary {
  text: string;
  pages: PostalPageView[];
  fields: Partial<Record<PostalField, ExtractedField>>;
  ocr: { confidence: number | null; languages: string; ms: number; finishedAt: string } | null;
  confirmation: {
    text: string;
    subject?: string;
    customerRequest?: string;
    fields?: Partial<Record<PostalField, string>>;
    by: { staffId: string; name?: string };
    at: string;
  } | null;
  rejection: { reason: string; by: { staffId: string; name?: string }; at: string } | null;
}

export type PostalListStatus = 'to_verify' | 'all' | PostalLetterStatus;

export interface PostalLetterPage {
  items: PostalLetterSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** The JSON the confirm route takes (its zod schema's input: empty strings are "not given"). */
export type PostalConfirmBody = Omit<PostalConfirmRequest, 'fields'> & { fields: Partial<Record<PostalField, string>> };

/** A refused upload, read from the problem body: every message (each names its file), ready to show. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fields: FieldProblem[],
  ) {
    const messages = fields.map((f) => f.message).filter(Boolean);
    super(messages.length ? `${title}: ${messages.join('; ')}` : detail ? `${title}: ${detail}` : title);
    this.name = 'UploadRefused';
  }
}

export interface PostalApiDeps {
  request: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  download: (path: string) => Promise<Blob>;
  token: () => string | undefined;
  onUnauthorized: () => void;
}

const BASE = '/api/v1/postal/letters';
const letterPath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

export function createPostalApi(deps: PostalApiDeps) {
  return {
    list(status: PostalListStatus, page = 1, pageSize = 25): Promise<PostalLetterPage> {
      const q = new URLSearchParams({ status, page: String(page), pageSize: String(pageSize) });
      return deps.request('GET', `${BASE}?${q.toString()}`);
    },
    letter: (id: string) => deps.request<PostalLetterView>('GET', letterPath(id)),
    /** A page image or the receipt slip, by the path the server gave (bearer token: fetched as a blob). */
    file: (path: string) => deps.download(path),
    receiptPath: (id: string) => `${letterPath(id)}/receipt.pdf`,
    confirm: (id: string, body: PostalConfirmBody) => deps.request<PostalConfirmed>('POST', `${letterPath(id)}/confirm`, body),
    reject: (id: string, reason: string) => deps.request<PostalLetterView>('POST', `${letterPath(id)}/reject`, { reason }),

    /**
     * One scan, alone in its request (a batch is taken whole or not at all by the server: one
     * request per file gives each file its own progress and its own answer). XMLHttpRequest
     * because fetch reports no upload progress.
     */
    upload(file: File, onProgress: (fraction: number) => void): Promise<UploadedLetter> {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('POST', BASE);
        const token = deps.token();
        if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) onProgress(e.loaded / e.total);
        };
        xhr.onerror = () => reject(new UploadRefused(0, 'The upload did not reach the server', 'check the connection and try again', []));
        xhr.onload = () => {
          let body: unknown;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = null;
          }
          if (xhr.status === 401 && token) deps.onUnauthorized();
          const letters = (body as { letters?: UploadedLetter[] } | null)?.letters;
          if (xhr.status >= 200 && xhr.status < 300 && letters?.[0]) return resolve(letters[0]);
          const p = (body ?? {}) as { title?: string; detail?: string; errors?: FieldProblem[] };
          reject(
            new UploadRefused(
              xhr.status,
              p.title ?? (xhr.statusText || 'Upload refused'),
              p.detail,
              Array.isArray(p.errors) ? p.errors : [],
            ),
          );
        };
        const form = new FormData();
        form.append('files', file, file.name);
        xhr.send(form);
      });
    },
  };
}

export type PostalApi = ReturnType<typeof createPostalApi>;
