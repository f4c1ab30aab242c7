import { readFile } from 'node:fs/promises';
import { loadPostalConfig } from '@cg/config';
import { extractFields, inspectScan, OcrEngine, ScanRejected } from '@cg/postal';
import { UsageError } from './staff-users';

/**
 * `npm run cli -- postal:ocr FILE`: what the worker would read from a scan, for a clerk or an
 * admin checking scan quality. The same checks as an upload (by content, size, pages), the same
 * engine and settings (OCR_LANGUAGES, OCR_PAGE_TIMEOUT_MS, …), nothing stored.
 */
export async function postalOcr(
  file: string,
  opts: { langs?: string; json?: boolean },
  out: (line: string) => void = console.log,
): Promise<number> {
  const config = loadPostalConfig(process.env);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let info;
  try {
    info = await inspectScan(bytes, {
      maxBytes: config.POSTAL_MAX_FILE_BYTES,
      maxPages: config.POSTAL_MAX_PAGES,
      maxPageSidePoints: config.POSTAL_MAX_PAGE_SIDE_POINTS,
      maxImagePixels: config.POSTAL_MAX_IMAGE_PIXELS,
      inspectTimeoutMs: 10_000,
    });
  } catch (err) {
    if (err instanceof ScanRejected) {
      out(
        opts.json
          ? JSON.stringify({ file, refused: { code: err.code, message: err.message } })
          : `${file}: refused (${err.code}): ${err.message}`,
      );
      return 1;
    }
    throw err;
  }
  const engine = new OcrEngine({
    languages: opts.langs ?? config.OCR_LANGUAGES,
    pageTimeoutMs: config.OCR_PAGE_TIMEOUT_MS,
    pageMemoryMb: config.OCR_PAGE_MEMORY_MB,
    parallelPages: config.OCR_PARALLEL_PAGES,
  });
  const result = await engine.read(bytes, info.pages);
  const fields = extractFields(
    result.pages.flatMap((p) => p.lines),
    { lowConfidenceBelow: config.OCR_LOW_CONFIDENCE },
  );
  if (opts.json) {
    out(
      JSON.stringify({
        file,
        kind: result.kind,
        confidence: result.confidence,
        ms: result.ms,
        pages: result.pages.map(({ image: _image, ...p }) => p),
        fields,
      }),
    );
  } else {
    out(
      `${file}: ${result.kind}, ${result.pages.length} page(s), mean confidence ${result.confidence ?? '–'}, ${(result.ms / 1000).toFixed(1)} s (${engine.options.languages})`,
    );
    for (const p of result.pages) {
      const how = p.source === 'text-layer' ? 'text layer' : `OCR at ${p.dpi} dpi, rotation ${p.rotation}°, skew ${p.skewDegrees}°`;
      out(
        `\n--- page ${p.page}: confidence ${p.confidence ?? '–'} (${how}, ${(p.ms / 1000).toFixed(1)} s)${p.error ? ` — ${p.error.code}: ${p.error.message}` : ''}`,
      );
      if (p.text) out(p.text);
    }
    out('\n--- fields (! = low confidence: check against the scan)');
    for (const [name, f] of Object.entries(fields)) out(`${f.lowConfidence ? '!' : ' '} ${name.padEnd(11)} ${f.value}  (${f.confidence})`);
  }
  return result.pages.some((p) => p.text.trim()) ? 0 : 1;
}
