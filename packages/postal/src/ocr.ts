import sharp from 'sharp';
import { cleanPage, decodeGrey, DEFAULT_CLEANUP, parsePgm, previewPng, toPgm, type CleanupOptions, type GreyImage } from './image-cleanup';
import { detectKind, withTempFile, type ScanKind } from './scan-check';
import { runTool, ToolError } from './tools';

/** One recognised line: its text and the mean confidence (0–100) of its words. */
export interface OcrLine {
  text: string;
  confidence: number;
}

export interface OcrPageResult {
  /** 1-based. */
  page: number;
  /** `text-layer`: read from the PDF's own text (pdftotext), no recognition needed. */
  source: 'text-layer' | 'ocr';
  text: string;
  /** Mean word confidence 0–100 (100 for a text layer); null when nothing was read. */
  confidence: number | null;
  lines: OcrLine[];
  /** Orientation corrected before recognition (from tesseract's OSD), degrees clockwise. */
  rotation: 0 | 90 | 180 | 270;
  skewDegrees: number;
  /** Resolution the page was recognised at. */
  dpi: number;
  /** A PNG of the page for people to look at (about 150 dpi), when rendering worked. */
  image?: Buffer;
  /** The page could not be read; the others still are. */
  error?: { code: 'timeout' | 'memory' | 'failed' | 'empty'; message: string };
  ms: number;
}

export interface OcrResult {
  kind: ScanKind;
  pages: OcrPageResult[];
  /** Mean confidence over the pages that have text. */
  confidence: number | null;
  text: string;
  ms: number;
}

export interface OcrOptions {
  /** Tesseract languages, e.g. `vie+eng` or `script/Vietnamese+eng`. */
  languages: string;
  /** Limits of one page's tools (render, OSD, recognition). */
  pageTimeoutMs: number;
  pageMemoryMb: number;
  /** Pages recognised at once (each tesseract runs one thread). */
  parallelPages: number;
  /** Recognition resolution for PDF pages without a text layer. */
  renderDpi: number;
  /** Width of the page image kept for people (pixels). */
  previewWidth: number;
  /** Below this mean confidence the page's orientation is checked with OSD and, if turned, read again. */
  osdBelowConfidence: number;
  cleanup: CleanupOptions;
  /** A PDF page whose text layer has at least this many letters is read from it without OCR. */
  minTextLayerChars: number;
}

export const DEFAULT_OCR_OPTIONS: OcrOptions = {
  languages: 'vie',
  pageTimeoutMs: 60_000,
  pageMemoryMb: 1024,
  parallelPages: 2,
  renderDpi: 300,
  previewWidth: 1240,
  osdBelowConfidence: 70,
  cleanup: DEFAULT_CLEANUP,
  minTextLayerChars: 20,
};

/** Limits how many pages run at once across every letter of the process. */
export class PageSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const JUNK = /^[\p{P}\p{S}_]+$/u;
const isJunk = (w: { text: string; conf: number }) => JUNK.test(w.text) && w.conf < 75;

/** Parses tesseract's TSV: words grouped into lines (block, paragraph, line), paragraphs by a blank line. */
export function parseTesseractTsv(tsv: string): { text: string; lines: OcrLine[]; confidence: number | null } {
  const lines: (OcrLine & { key: string; para: string; words: { text: string; conf: number }[] })[] = [];
  for (const row of tsv.split('\n').slice(1)) {
    const cols = row.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const word = cols.slice(11).join('\t').trim();
    const conf = Number(cols[10]);
    if (!word || conf < 0) continue;
    const para = `${cols[2]}.${cols[3]}`;
    const key = `${para}.${cols[4]}`;
    let line = lines.at(-1);
    if (!line || line.key !== key) {
      line = { key, para, words: [], text: '', confidence: 0 };
      lines.push(line);
    }
    line.words.push({ text: word, conf });
  }
  let chars = 0;
  let weighted = 0;
  const out: OcrLine[] = [];
  let text = '';
  let prevPara = '';
  for (const l of lines) {
    // Specks of noise read as punctuation at a line's ends ("_", "-", "„" with low confidence) are not text.
    while (l.words.length && isJunk(l.words[0]!)) l.words.shift();
    while (l.words.length && isJunk(l.words.at(-1)!)) l.words.pop();
    if (!l.words.length) continue;
    const lineText = l.words
      .map((w) => w.text)
      .join(' ')
      .normalize('NFC');
    let lc = 0;
    let lw = 0;
    for (const w of l.words) {
      lc += w.text.length;
      lw += w.text.length * w.conf;
    }
    chars += lc;
    weighted += lw;
    const confidence = lc ? Math.round((lw / lc) * 10) / 10 : 0;
    out.push({ text: lineText, confidence });
    if (text) text += prevPara && prevPara !== l.para ? '\n\n' : '\n';
    text += lineText;
    prevPara = l.para;
  }
  return { text, lines: out, confidence: chars ? Math.round((weighted / chars) * 10) / 10 : null };
}

/** `Rotate: 90` of tesseract's `--psm 0` output. */
export function parseOsd(text: string): { rotate: 0 | 90 | 180 | 270; confidence: number } | null {
  const r = /Rotate:\s*(\d+)/.exec(text);
  const c = /Orientation confidence:\s*([\d.]+)/.exec(text);
  if (!r) return null;
  const rotate = Number(r[1]);
  if (rotate !== 0 && rotate !== 90 && rotate !== 180 && rotate !== 270) return null;
  return { rotate, confidence: c ? Number(c[1]) : 0 };
}

function pageError(err: unknown): NonNullable<OcrPageResult['error']> {
  if (err instanceof ToolError) {
    return { code: err.reason === 'timeout' ? 'timeout' : err.reason === 'memory' ? 'memory' : 'failed', message: err.message };
  }
  return { code: 'failed', message: (err as Error)?.message ?? String(err) };
}

/**
 * Reads a scan: PDF pages from their text layer when they have one (pdftotext), otherwise
 * rendered (pdftoppm at renderDpi), cleaned and recognised by tesseract; image files (JPEG, PNG,
 * TIFF pages) cleaned and recognised. Every page has its own time and memory limit, and a page
 * that fails is reported in its result while the others are read.
 */
export class OcrEngine {
  readonly options: OcrOptions;
  private readonly slots: PageSlots;

  constructor(options: Partial<OcrOptions> = {}) {
    this.options = { ...DEFAULT_OCR_OPTIONS, ...options, cleanup: { ...DEFAULT_OCR_OPTIONS.cleanup, ...options.cleanup } };
    this.slots = new PageSlots(this.options.parallelPages);
  }

  private languagesChecked?: Promise<void>;

  /**
   * Fails (ToolError 'missing') unless tesseract has every language asked for: given a model it
   * lacks, tesseract only warns and reads with the others, which would quietly ruin every letter.
   */
  checkLanguages(): Promise<void> {
    this.languagesChecked ??= runTool('tesseract', ['--list-langs'], { timeoutMs: Math.max(10_000, this.options.pageTimeoutMs) }).then(
      (out) => {
        const have = new Set(
          out
            .toString('utf8')
            .split('\n')
            .slice(1)
            .map((l) => l.trim())
            .filter(Boolean),
        );
        const missing = this.options.languages.split('+').filter((l) => !have.has(l));
        if (missing.length) {
          this.languagesChecked = undefined;
          throw new ToolError(
            'tesseract',
            'missing',
            `tesseract has no model for ${missing.join(', ')} (installed: ${[...have].join(', ')})`,
          );
        }
      },
    );
    return this.languagesChecked;
  }

  async read(bytes: Uint8Array, pageCount?: number): Promise<OcrResult> {
    const started = Date.now();
    await this.checkLanguages();
    const kind = detectKind(bytes);
    if (!kind) throw new Error('not a PDF, JPEG, PNG or TIFF');
    let pages: OcrPageResult[];
    if (kind === 'pdf') {
      pages = await withTempFile(bytes, '.pdf', async (path) => {
        const count = pageCount ?? (await this.pdfPageCount(path));
        return Promise.all(Array.from({ length: count }, (_, i) => this.slots.run(() => this.pdfPage(path, i + 1))));
      });
    } else {
      const buf = Buffer.from(bytes);
      const count = pageCount ?? (kind === 'tiff' ? ((await sharp(buf, { pages: -1 }).metadata()).pages ?? 1) : 1);
      pages = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          this.slots.run(async () => {
            const t0 = Date.now();
            try {
              // One page (TIFF pages one by one) as 8-bit grey.
              const grey = await decodeGrey(buf, {
                ...(kind === 'tiff' ? { page: i } : {}),
                limitInputPixels: this.options.cleanup.limitInputPixels,
              });
              return await this.recognise(grey, i + 1, undefined, t0);
            } catch (err) {
              return this.failed(i + 1, err, t0);
            }
          }),
        ),
      );
    }
    const withText = pages.filter((p) => p.confidence !== null && p.text.trim());
    const confidence = withText.length ? Math.round((withText.reduce((s, p) => s + p.confidence!, 0) / withText.length) * 10) / 10 : null;
    return { kind, pages, confidence, text: pages.map((p) => p.text).join('\n\n'), ms: Date.now() - started };
  }

  private failed(page: number, err: unknown, t0: number): OcrPageResult {
    return {
      page,
      source: 'ocr',
      text: '',
      confidence: null,
      lines: [],
      rotation: 0,
      skewDegrees: 0,
      dpi: 0,
      error: pageError(err),
      ms: Date.now() - t0,
    };
  }

  private limits(extra: { maxBuffer?: number; input?: Buffer } = {}) {
    return { timeoutMs: this.options.pageTimeoutMs, memoryMb: this.options.pageMemoryMb, ...extra };
  }

  private async pdfPageCount(path: string): Promise<number> {
    const info = (await runTool('pdfinfo', [path], this.limits())).toString('utf8');
    return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  }

  private async pdfPage(path: string, page: number): Promise<OcrPageResult> {
    const t0 = Date.now();
    const p = String(page);
    try {
      const layer = (await runTool('pdftotext', ['-f', p, '-l', p, '-enc', 'UTF-8', '-layout', path, '-'], this.limits())).toString('utf8');
      const text = tidyTextLayer(layer);
      if (text.replace(/[^\p{L}\p{N}]/gu, '').length >= this.options.minTextLayerChars) {
        let image: Buffer | undefined;
        try {
          const preview = await runTool(
            'pdftoppm',
            ['-f', p, '-l', p, '-scale-to-x', String(this.options.previewWidth), '-scale-to-y', '-1', '-gray', '-png', path],
            this.limits(),
          );
          image = preview;
        } catch {
          /* the text is what matters; the page image is a convenience */
        }
        const lines = text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => ({ text: l, confidence: 100 }));
        return {
          page,
          source: 'text-layer',
          text,
          confidence: 100,
          lines,
          rotation: 0,
          skewDegrees: 0,
          dpi: 0,
          ...(image ? { image } : {}),
          ms: Date.now() - t0,
        };
      }
      // PGM, not PNG: poppler's PNG encoder spends seconds on a noisy 300 dpi page, PGM costs nothing.
      const dpi = String(this.options.renderDpi);
      const pgm = await runTool('pdftoppm', ['-f', p, '-l', p, '-r', dpi, '-gray', path], this.limits({ maxBuffer: 512 * 1024 * 1024 }));
      return await this.recognise(parsePgm(pgm), page, this.options.renderDpi, t0);
    } catch (err) {
      return this.failed(page, err, t0);
    }
  }

  /** Clean, recognise; when confidence is low, check the orientation and read a turned page again. */
  private async recognise(
    grey: GreyImage & { density?: number },
    page: number,
    dpi: number | undefined,
    t0: number,
  ): Promise<OcrPageResult> {
    const image = await previewPng(grey, this.options.previewWidth);
    const cleaned = await cleanPage(grey, { ...this.options.cleanup, ...(dpi ? { dpi } : {}) });
    let rotation: OcrPageResult['rotation'] = 0;
    let best = { cleaned, read: await this.tesseract(cleaned, cleaned.dpi) };
    if ((best.read.confidence ?? 0) < this.options.osdBelowConfidence) {
      const osd = await this.orientation(cleaned, cleaned.dpi);
      if (osd && osd.rotate !== 0) {
        const turned = await cleanPage(grey, { ...this.options.cleanup, ...(dpi ? { dpi } : {}), rotate: osd.rotate });
        const read = await this.tesseract(turned, turned.dpi);
        if ((read.confidence ?? 0) > (best.read.confidence ?? 0)) {
          best = { cleaned: turned, read };
          rotation = osd.rotate;
        }
      }
    }
    const { read } = best;
    const empty = !read.text.trim();
    return {
      page,
      source: 'ocr',
      text: read.text,
      confidence: empty ? null : read.confidence,
      lines: read.lines,
      rotation,
      skewDegrees: best.cleaned.skewDegrees,
      dpi: best.cleaned.dpi,
      image,
      ...(empty
        ? { error: { code: 'empty' as const, message: 'no text was found on this page (blank page, or an unreadable scan)' } }
        : {}),
      ms: Date.now() - t0,
    };
  }

  private async tesseract(img: GreyImage, dpi: number) {
    const tsv = await runTool(
      'tesseract',
      ['stdin', 'stdout', '-l', this.options.languages, '--psm', '3', '--dpi', String(dpi), 'tsv'],
      this.limits({ input: toPgm(img) }),
    );
    return parseTesseractTsv(tsv.toString('utf8'));
  }

  private async orientation(img: GreyImage, dpi: number) {
    try {
      const out = await runTool('tesseract', ['stdin', 'stdout', '--psm', '0', '--dpi', String(dpi)], this.limits({ input: toPgm(img) }));
      return parseOsd(out.toString('utf8'));
    } catch {
      return null; // too little text for OSD: keep the page as it is
    }
  }
}

/** pdftotext -layout output: NFC, no form feeds, no trailing spaces, at most one blank line in a row. */
export function tidyTextLayer(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\f/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+$/u, '').replace(/ {3,}/g, '  '))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
