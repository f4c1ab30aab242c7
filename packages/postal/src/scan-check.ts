import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { runTool, ToolError } from './tools';

/** What a scan may be, told by its first bytes (never by its name). */
export const SCAN_KINDS = ['pdf', 'jpeg', 'png', 'tiff'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

export const CONTENT_TYPES: Record<ScanKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
};

export interface ScanLimits {
  maxBytes: number;
  maxPages: number;
  /** Longest side of a PDF page, in points (1/72 inch). */
  maxPageSidePoints: number;
  /** Width × height of an image page. */
  maxImagePixels: number;
  /** Time for pdfinfo (and sharp's header read). */
  inspectTimeoutMs: number;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxBytes: 20 * 1024 * 1024,
  maxPages: 20,
  maxPageSidePoints: 1700, // A2's long side is 1684 pt; letters are A4 (842 pt) or A3
  maxImagePixels: 60_000_000, // A4 at 600 dpi is 35 Mpx
  inspectTimeoutMs: 10_000,
};

/** Why a scan is refused; `code` is stable for clients, `message` says it to a clerk. */
export class ScanRejected extends Error {
  constructor(
    readonly code:
      | 'empty_file'
      | 'unsupported_type'
      | 'too_large'
      | 'truncated'
      | 'corrupt'
      | 'encrypted'
      | 'too_many_pages'
      | 'page_too_large'
      | 'image_too_large'
      | 'no_pages',
    message: string,
    /** 413 for byte limits, 422 for everything about the content. */
    readonly status: 413 | 422 = code === 'too_large' ? 413 : 422,
  ) {
    super(message);
  }
}

export interface ScanInfo {
  kind: ScanKind;
  contentType: string;
  pages: number;
  /** PDF: whether pdftotext finds text (a text PDF is read without OCR); images: false. */
  hasTextLayer?: boolean;
  /** Per page: width and height (points for PDF, pixels for images). */
  pageSizes: { width: number; height: number }[];
}

/** The kind by magic bytes at offset 0, or null. */
export function detectKind(bytes: Uint8Array): ScanKind | null {
  const b = bytes;
  if (b.length >= 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d) return 'pdf'; // %PDF-
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  ) {
    return 'png';
  }
  if (
    b.length >= 4 &&
    ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0x00) ||
      (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0x00 && b[3] === 0x2a))
  ) {
    return 'tiff';
  }
  return null;
}

function lastIndexOf(bytes: Uint8Array, needle: number[], window: number): number {
  const start = Math.max(0, bytes.length - window);
  outer: for (let i = bytes.length - needle.length; i >= start; i--) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Checks a scan before it is stored: kind by content, size, structure (truncation), encryption,
 * page count and page dimensions (PDF bombs: `pdfinfo` with a time limit, run with an argument
 * list). Throws ScanRejected with a clerk-readable reason; resolves what the OCR job needs to know.
 */
export async function inspectScan(bytes: Uint8Array, limits: ScanLimits = DEFAULT_SCAN_LIMITS): Promise<ScanInfo> {
  if (bytes.length === 0) throw new ScanRejected('empty_file', 'the file is empty');
  if (bytes.length > limits.maxBytes) {
    throw new ScanRejected('too_large', `the file is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  }
  const kind = detectKind(bytes);
  if (!kind) throw new ScanRejected('unsupported_type', 'not a PDF, JPEG, PNG or TIFF scan (checked by content, not by the file name)');
  return kind === 'pdf' ? inspectPdf(bytes, limits) : inspectImage(bytes, kind, limits);
}

async function inspectImage(bytes: Uint8Array, kind: Exclude<ScanKind, 'pdf'>, limits: ScanLimits): Promise<ScanInfo> {
  // Cheap structural checks first: a PNG ends with its IEND chunk, a JPEG with EOI (FF D9).
  if (kind === 'png' && lastIndexOf(bytes, [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], 64) < 0) {
    throw new ScanRejected('truncated', 'the PNG is cut short (no IEND chunk at its end)');
  }
  if (kind === 'jpeg' && lastIndexOf(bytes, [0xff, 0xd9], 4096) < 0) {
    throw new ScanRejected('truncated', 'the JPEG is cut short (no end-of-image marker)');
  }
  let meta: sharp.Metadata;
  try {
    // Reads the header only; the pixel limit refuses decompression bombs before any decode.
    meta = await sharp(bytes, { limitInputPixels: limits.maxImagePixels, pages: -1 }).metadata();
  } catch (err) {
    throw new ScanRejected('corrupt', `the ${kind.toUpperCase()} cannot be read: ${(err as Error).message}`);
  }
  const pages = meta.pages ?? 1;
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (!width || !height) throw new ScanRejected('corrupt', `the ${kind.toUpperCase()} has no dimensions`);
  if (width * height > limits.maxImagePixels) {
    throw new ScanRejected(
      'image_too_large',
      `the image is ${width}×${height} pixels; the limit is ${limits.maxImagePixels} pixels per page`,
    );
  }
  if (pages > limits.maxPages) throw new ScanRejected('too_many_pages', `the TIFF has ${pages} pages; the limit is ${limits.maxPages}`);
  return { kind, contentType: CONTENT_TYPES[kind], pages, pageSizes: Array.from({ length: pages }, () => ({ width, height })) };
}

/** Parses `pdfinfo` output (`Key: value` lines). */
export function parsePdfInfo(text: string): { pages: number; encrypted: boolean; pageSizes: { width: number; height: number }[] } {
  const pagesMatch = /^Pages:\s+(\d+)/m.exec(text);
  const encrypted = /^Encrypted:\s+yes/m.test(text);
  const pageSizes: { width: number; height: number }[] = [];
  for (const m of text.matchAll(/^Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts/gm)) {
    pageSizes.push({ width: Number(m[1]), height: Number(m[2]) });
  }
  if (!pageSizes.length) {
    const one = /^Page size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts/m.exec(text);
    if (one) pageSizes.push({ width: Number(one[1]), height: Number(one[2]) });
  }
  return { pages: pagesMatch ? Number(pagesMatch[1]) : 0, encrypted, pageSizes };
}

async function inspectPdf(bytes: Uint8Array, limits: ScanLimits): Promise<ScanInfo> {
  if (lastIndexOf(bytes, [0x25, 0x25, 0x45, 0x4f, 0x46], 2048) < 0) {
    throw new ScanRejected('truncated', 'the PDF is cut short (no %%EOF at its end)');
  }
  return withTempFile(bytes, '.pdf', async (path) => {
    const pdfinfo = async (args: string[]): Promise<string> => {
      try {
        return (
          await runTool('pdfinfo', [...args, path], { timeoutMs: limits.inspectTimeoutMs, memoryMb: 512, maxBuffer: 4 * 1024 * 1024 })
        ).toString('utf8');
      } catch (err) {
        if (err instanceof ToolError && err.reason === 'missing') throw err; // a server problem, not the file's
        const detail = err instanceof ToolError ? err.stderr || err.message : String(err);
        const claimed = /Page count \((\d+)\)/.exec(detail);
        if (claimed) {
          throw new ScanRejected(
            'too_many_pages',
            `the PDF claims ${claimed[1]} pages (more than it contains: a malformed or hostile file); the limit is ${limits.maxPages}`,
          );
        }
        if (/password|encrypt/i.test(detail))
          throw new ScanRejected('encrypted', 'the PDF is password-protected; scan or export it without a password');
        if (err instanceof ToolError && err.reason === 'timeout')
          throw new ScanRejected('corrupt', 'the PDF took too long to open (a malformed or hostile file?)');
        throw new ScanRejected('corrupt', `the PDF cannot be read: ${detail.split('\n')[0]}`);
      }
    };
    const summary = parsePdfInfo(await pdfinfo([]));
    if (summary.encrypted)
      throw new ScanRejected('encrypted', 'the PDF is encrypted; scan or export it without a password or restrictions');
    if (summary.pages < 1) throw new ScanRejected('no_pages', 'the PDF has no pages');
    if (summary.pages > limits.maxPages) {
      throw new ScanRejected('too_many_pages', `the PDF has ${summary.pages} pages; the limit is ${limits.maxPages} per letter`);
    }
    const sizes = parsePdfInfo(await pdfinfo(['-f', '1', '-l', String(summary.pages)])).pageSizes;
    sizes.forEach((s, i) => {
      if (Math.max(s.width, s.height) > limits.maxPageSidePoints || !(s.width > 0 && s.height > 0)) {
        throw new ScanRejected(
          'page_too_large',
          `page ${i + 1} is ${Math.round(s.width)}×${Math.round(s.height)} pt; the longest side may be ${limits.maxPageSidePoints} pt`,
        );
      }
    });
    return { kind: 'pdf', contentType: CONTENT_TYPES.pdf, pages: summary.pages, pageSizes: sizes };
  });
}

export async function withTempFile<T>(bytes: Uint8Array, ext: string, work: (path: string) => Promise<T>): Promise<T> {
  const path = join(tmpdir(), `cg-postal-${randomBytes(8).toString('hex')}${ext}`);
  await writeFile(path, bytes, { mode: 0o600 });
  try {
    return await work(path);
  } finally {
    await rm(path, { force: true });
  }
}
