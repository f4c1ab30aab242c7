/**
 * `npm run bench:ocr`: character and word error rates of the postal OCR per scan condition, and
 * pages per minute on one worker (OcrEngine with the worker's defaults: OCR_PARALLEL_PAGES pages at
 * once, one tesseract thread each). The evaluation set is generated here: Vietnamese complaint
 * letters (@cg/testing sampleLetter) rendered with several Debian fonts at 150/200/300 dpi, clean
 * or with noise, blur and skew, as PNG images and as two-page image PDFs, with their text as
 * ground truth. Nothing is tuned on anything but this set.
 *
 *   npm run bench:ocr                          full run (~3–6 min on 2 cores)
 *   npm run bench:ocr -- --quick               one letter per font, fewer conditions
 *   npm run bench:ocr -- --langs vie,Vietnamese,vie+eng   compare models (default: vie)
 *   npm run bench:ocr -- --save bench/ocr/out  also write the generated scans and truths there
 *   npm run bench:ocr -- --only 150dpi --compare-cleanup   one condition, cleanup variants
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { OcrEngine, type CleanupOptions } from '@cg/postal';
import { pagesToPdf, renderPage, sampleLetter, type RenderOptions } from '@cg/testing';
import { errorRates } from './metrics';

interface Condition {
  name: string;
  dpi: number;
  noise?: number;
  blur?: number;
  skew?: number;
  /** Two-page image PDF instead of one PNG per page. */
  pdf?: boolean;
}

const CONDITIONS: Condition[] = [
  { name: '300dpi clean', dpi: 300 },
  { name: '200dpi clean', dpi: 200 },
  { name: '150dpi clean', dpi: 150 },
  { name: '300dpi noisy+blur', dpi: 300, noise: 14, blur: 0.7 },
  { name: '200dpi noisy+skewed', dpi: 200, noise: 14, blur: 0.7, skew: 1.5 },
  { name: '150dpi noisy+skewed', dpi: 150, noise: 14, blur: 0.7, skew: -2 },
  { name: '200dpi 2-page PDF noisy+skewed', dpi: 200, noise: 10, blur: 0.5, skew: 1, pdf: true },
];
const QUICK = new Set(['300dpi clean', '150dpi noisy+skewed', '200dpi 2-page PDF noisy+skewed']);
const FONTS = ['DejaVu Serif', 'Noto Serif', 'Liberation Serif', 'Liberation Sans'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Sample {
  condition: string;
  font: string;
  bytes: Buffer;
  truth: string[];
  pages: number;
}

async function buildSet(quick: boolean, only: string | undefined, saveDir?: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  const letters = quick ? 1 : 2;
  for (const c of CONDITIONS) {
    if (quick && !QUICK.has(c.name)) continue;
    if (only && !c.name.includes(only)) continue;
    for (const [f, font] of FONTS.entries()) {
      for (let n = 0; n < letters; n++) {
        const id = f * 7 + n * 3 + c.dpi;
        const letter = sampleLetter(id, { twoPages: c.pdf === true });
        const opts: RenderOptions = {
          dpi: c.dpi,
          font,
          seed: id,
          ...(c.noise ? { noise: c.noise } : {}),
          ...(c.blur ? { blur: c.blur } : {}),
          ...(c.skew ? { skewDegrees: c.skew } : {}),
        };
        const pngs = await Promise.all(letter.pages.map((lines, p) => renderPage(lines, { ...opts, seed: id * 10 + p })));
        const bytes = c.pdf ? await pagesToPdf(pngs, c.dpi) : pngs[0]!;
        const truth = letter.pages.map((lines) => lines.join('\n'));
        samples.push({ condition: c.name, font, bytes, truth, pages: letter.pages.length });
        if (saveDir) {
          const base = join(saveDir, `${c.name.replace(/[^a-z0-9]+/gi, '-')}-${font.replace(/ /g, '')}-${n}`);
          await writeFile(`${base}.${c.pdf ? 'pdf' : 'png'}`, bytes);
          await writeFile(`${base}.txt`, truth.join('\n\n'));
        }
      }
    }
  }
  return samples;
}

/** CPU seconds used by this process and its finished children (tesseract, poppler): /proc/self/stat utime+stime+cutime+cstime. */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // After "pid (comm) ": state is field 3, so utime/stime/cutime/cstime (14–17) are at 11–14 here.
  const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(fields[i]), 0);
  return ticks / 100; // USER_HZ
}

interface Row {
  langs: string;
  cleanup: string;
  condition: string;
  pages: number;
  cer: number;
  wer: number;
  confidence: number;
}

async function evaluate(
  samples: Sample[],
  languages: string,
  cleanup: Partial<CleanupOptions>,
  label: string,
): Promise<{ rows: Row[]; pagesPerMinute: number; cpuPerPage: number; worst: { cer: number; font: string; condition: string } }> {
  const parallelPages = Math.max(1, Math.min(2, cpus().length));
  const engine = new OcrEngine({ languages, parallelPages, cleanup: cleanup as CleanupOptions });
  const started = Date.now();
  const cpu0 = cpuSeconds();
  // One worker: every letter submitted at once; the engine runs `parallelPages` pages at a time.
  const results = await Promise.all(samples.map((s) => engine.read(s.bytes)));
  const minutes = (Date.now() - started) / 60_000;
  const cpuPerPage = (cpuSeconds() - cpu0) / samples.reduce((n, s) => n + s.pages, 0);
  const totalPages = samples.reduce((n, s) => n + s.pages, 0);
  const by = new Map<string, { chars: number; charErrors: number; words: number; wordErrors: number; pages: number; conf: number[] }>();
  let worst = { cer: 0, font: '', condition: '' };
  samples.forEach((s, i) => {
    const r = results[i]!;
    const e = errorRates(s.truth.join('\n'), r.pages.map((p) => p.text).join('\n'));
    const acc = by.get(s.condition) ?? { chars: 0, charErrors: 0, words: 0, wordErrors: 0, pages: 0, conf: [] };
    acc.chars += e.chars;
    acc.charErrors += e.charErrors;
    acc.words += e.words;
    acc.wordErrors += e.wordErrors;
    acc.pages += s.pages;
    if (r.confidence !== null) acc.conf.push(r.confidence);
    by.set(s.condition, acc);
    if (e.cer > worst.cer) worst = { cer: e.cer, font: s.font, condition: s.condition };
  });
  const rows = [...by.entries()].map(([condition, a]) => ({
    langs: languages,
    cleanup: label,
    condition,
    pages: a.pages,
    cer: a.charErrors / a.chars,
    wer: a.wordErrors / a.words,
    confidence: a.conf.reduce((x, y) => x + y, 0) / Math.max(1, a.conf.length),
  }));
  return { rows, pagesPerMinute: totalPages / minutes, cpuPerPage, worst };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const langs = (arg('--langs') ?? 'vie').split(',');
  const cleanups: Record<string, Partial<CleanupOptions>> = { default: {} };
  if (process.argv.includes('--compare-cleanup')) {
    cleanups['no-median'] = { median: 0 };
    cleanups.binarise = { binarise: true };
    cleanups['no-upscale'] = { minDpi: 0 };
    cleanups['median-5'] = { median: 5 };
    cleanups['median-always'] = { medianWhen: 'always' };
  }
  const saveDir = arg('--save');
  if (saveDir) await mkdir(saveDir, { recursive: true });
  const samples = await buildSet(quick, arg('--only'), saveDir);
  console.log(`evaluation set: ${samples.length} letters, ${samples.reduce((n, s) => n + s.pages, 0)} pages, fonts ${FONTS.join(', ')}`);
  const all: Row[] = [];
  for (const l of langs) {
    for (const [label, cleanup] of Object.entries(cleanups)) {
      const { rows, pagesPerMinute, cpuPerPage, worst } = await evaluate(samples, l, cleanup, label);
      all.push(...rows);
      const load = loadavg()[0]!.toFixed(1);
      console.log(
        `\n## ${l} (cleanup: ${label}) — ${pagesPerMinute.toFixed(1)} pages/min on one worker (load average ${load} on ${cpus().length} cores); ` +
          `${cpuPerPage.toFixed(2)} CPU s/page, i.e. ${((60 * Math.min(2, cpus().length)) / cpuPerPage).toFixed(1)} pages/min with ${Math.min(2, cpus().length)} free cores; ` +
          `worst letter CER ${pct(worst.cer)} (${worst.font}, ${worst.condition})`,
      );
      console.log('| condition | pages | CER | WER | mean confidence |\n|---|---:|---:|---:|---:|');
      for (const r of rows) console.log(`| ${r.condition} | ${r.pages} | ${pct(r.cer)} | ${pct(r.wer)} | ${r.confidence.toFixed(1)} |`);
    }
  }
  const targets = [
    { condition: '300dpi clean', max: 0.01 },
    { condition: '150dpi noisy+skewed', max: 0.03 },
  ];
  console.log('\ntargets (first language set, default cleanup):');
  for (const t of targets) {
    const r = all.find((x) => x.condition === t.condition && x.langs === langs[0] && x.cleanup === 'default');
    if (r) console.log(`  ${t.condition}: CER ${pct(r.cer)} (target ≤ ${pct(t.max)}) ${r.cer <= t.max ? 'met' : 'MISSED'}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
