import { z } from 'zod';
import { parseEnv } from './env';

/**
 * Postal channel settings, read by the gateway (uploads, reads) and the worker (OCR). Both must
 * see the same POSTAL_STORE_DIR (or, later, the same bucket): the gateway writes scans there and
 * the worker reads them and writes the rendered page images.
 */
export const postalEnvShape = {
  /** The content-addressed scan store (a volume in docker-compose.yml). Relative to the working directory. */
  POSTAL_STORE_DIR: z.string().min(1).default('.data/scans'),
  /** Largest scan file, in bytes (default 20 MiB). */
  POSTAL_MAX_FILE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(200 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  /** Files in one upload request (a batch). */
  POSTAL_MAX_FILES_PER_UPLOAD: z.coerce.number().int().min(1).max(100).default(20),
  /** Pages of one letter (PDF or multi-page TIFF). */
  POSTAL_MAX_PAGES: z.coerce.number().int().min(1).max(500).default(20),
  /** Longest side of a PDF page in points (1/72 in); A2 is 1684 pt. Bigger pages are refused as bombs. */
  POSTAL_MAX_PAGE_SIDE_POINTS: z.coerce.number().int().min(200).max(14_400).default(1700),
  /** Pixels of one image page (width × height); A4 at 600 dpi is 35 million. */
  POSTAL_MAX_IMAGE_PIXELS: z.coerce.number().int().min(10_000).max(500_000_000).default(60_000_000),
  /**
   * Tesseract models. `vie` measured best on bench/ocr (BENCHMARKS.md): CER 0.09 % over the set
   * against 0.15 % for the script model (Debian names it `Vietnamese`) and more for `vie+eng`
   * (English words lose their marks). `vie` reads English letters too (Latin script).
   */
  OCR_LANGUAGES: z
    .string()
    .regex(/^[A-Za-z_/]+(\+[A-Za-z_/]+)*$/, 'tesseract languages joined by +, e.g. vie or vie+eng')
    .default('vie'),
  /** One page's time (render, clean, orientation, recognition) before it is reported failed. */
  OCR_PAGE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  /** Address-space limit of each OCR tool process, in MiB (prlimit). */
  OCR_PAGE_MEMORY_MB: z.coerce.number().int().min(128).max(16_384).default(1024),
  /** Pages recognised at once per worker process (one tesseract thread each); default: 2. */
  OCR_PARALLEL_PAGES: z.coerce.number().int().min(1).max(64).default(2),
  /** Lines below this OCR confidence flag their extracted fields for the clerk. */
  OCR_LOW_CONFIDENCE: z.coerce.number().min(0).max(100).default(80),
};

export const postalEnvSchema = z.object(postalEnvShape);
export type PostalConfig = z.infer<typeof postalEnvSchema>;

export function loadPostalConfig(env: NodeJS.ProcessEnv = process.env): PostalConfig {
  return parseEnv(postalEnvSchema, env);
}
