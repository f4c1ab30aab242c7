import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES, ocrLetterJobSchema } from '@cg/contracts';
import type { PostalConfig } from '@cg/config';
import type { PostalLetterRepository, PostalOcrOutcome, PostalOcrPage } from '@cg/db';
import { extractFields, LocalFileStore, OcrEngine, ToolError, type FileStore } from '@cg/postal';

export const OCR_LETTER_JOB = JOB_NAMES.ocrLetter;
export const ocrLetterPayloadSchema = ocrLetterJobSchema;

export interface OcrLetterDeps {
  letters: PostalLetterRepository;
  config: PostalConfig;
  logger: Logger;
  /** Default: the local directory POSTAL_STORE_DIR. */
  store?: FileStore;
  engine?: OcrEngine;
}

export interface OcrLetterResult {
  letterId: string;
  status: 'ocr_done' | 'ocr_failed' | 'skipped';
  pages?: number;
  confidence?: number | null;
}

/**
 * Reads one uploaded letter: the scan from the file store, OCR page by page (each with its own
 * time and memory limit; a page that fails is reported on the letter, the others are kept),
 * page images stored for the clerk, fields prefilled. One write to the letter at the end, only
 * while it is still in the OCR phase. A letter with no readable page is `ocr_failed` with the
 * reason; the clerk can still type it in and confirm it.
 */
export function ocrLetterHandler(deps: OcrLetterDeps) {
  const store = deps.store ?? new LocalFileStore(deps.config.POSTAL_STORE_DIR);
  const engine =
    deps.engine ??
    new OcrEngine({
      languages: deps.config.OCR_LANGUAGES,
      pageTimeoutMs: deps.config.OCR_PAGE_TIMEOUT_MS,
      pageMemoryMb: deps.config.OCR_PAGE_MEMORY_MB,
      parallelPages: deps.config.OCR_PARALLEL_PAGES,
    });

  return async (job: Job<unknown>): Promise<OcrLetterResult> => {
    const parsed = ocrLetterPayloadSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(
        `invalid ocr-letter job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const { letterId, sha256 } = parsed.data;
    const letter = await deps.letters.findById(letterId);
    if (!letter || letter.sha256 !== sha256) throw new UnrecoverableError(`postal letter ${letterId} (${sha256}) not found`);
    if (letter.status !== 'uploaded' && letter.status !== 'ocr_pending') return { letterId, status: 'skipped' };

    const started = Date.now();
    const finish = async (outcome: PostalOcrOutcome): Promise<OcrLetterResult> => {
      const written = await deps.letters.recordOcr(letter._id, outcome);
      if (!written) return { letterId, status: 'skipped' };
      deps.logger.info(
        { letterId, status: outcome.status, pages: outcome.ocr.pages.length, confidence: outcome.ocr.confidence, ms: outcome.ocr.ms },
        'postal letter read',
      );
      return { letterId, status: outcome.status, pages: outcome.ocr.pages.length, confidence: outcome.ocr.confidence };
    };
    const failed = (code: string, message: string, pages: PostalOcrPage[] = [], confidence: number | null = null) =>
      finish({
        status: 'ocr_failed',
        ocr: { pages, confidence, languages: engine.options.languages, ms: Date.now() - started, finishedAt: new Date() },
        fields: {},
        failure: { code, message },
      });

    const bytes = await store.get(sha256);
    if (!bytes) return failed('scan_missing', 'the scan file is missing from the store');

    let result;
    try {
      result = await engine.read(bytes, letter.pageCount);
    } catch (err) {
      // A tool that is not installed is the server's problem: retry (and alert), never blame the letter.
      if (err instanceof ToolError && err.reason === 'missing') throw err;
      return failed('unreadable', `the scan could not be read: ${(err as Error).message}`);
    }

    const pages: PostalOcrPage[] = [];
    for (const p of result.pages) {
      const imageSha256 = p.image ? await store.put(p.image) : undefined;
      pages.push({
        page: p.page,
        source: p.source,
        text: p.text,
        confidence: p.confidence,
        lines: p.lines,
        rotation: p.rotation,
        skewDegrees: p.skewDegrees,
        dpi: p.dpi,
        ms: p.ms,
        ...(imageSha256 ? { imageSha256 } : {}),
        ...(p.error ? { error: p.error } : {}),
      });
    }
    const read = pages.filter((p) => p.text.trim());
    if (!read.length) {
      const allEmpty = pages.every((p) => p.error?.code === 'empty');
      return failed(
        allEmpty ? 'no_text' : (pages.find((p) => p.error)?.error?.code ?? 'failed'),
        allEmpty
          ? 'no text was found on any page (a blank page, or a scan too faint or too small to read)'
          : `no page could be read: ${pages.map((p) => `page ${p.page}: ${p.error?.message ?? 'no text'}`).join('; ')}`,
        pages,
      );
    }
    const fields = extractFields(
      read.flatMap((p) => p.lines),
      { lowConfidenceBelow: deps.config.OCR_LOW_CONFIDENCE },
    );
    return finish({
      status: 'ocr_done',
      ocr: { pages, confidence: result.confidence, languages: engine.options.languages, ms: Date.now() - started, finishedAt: new Date() },
      fields,
    });
  };
}
