import sharp from 'sharp';

/**
 * Cleaning a scanned page before recognition (sharp/libvips, in-process): greyscale, upscale of
 * low-resolution scans to ~300 dpi, median denoise, deskew measured on a projection profile, and
 * optionally an Otsu binarisation. Pure image work; the OCR engine decides when to call what.
 */

export interface CleanupOptions {
  /** The page's resolution when known (PDF pages are rendered at a known dpi). */
  dpi?: number;
  /** Upscale pages below this resolution to 300 dpi (bicubic-like lanczos3). */
  minDpi: number;
  /** Median filter size (0 = none). */
  median: number;
  /**
   * `noisy`: only on a page that looks noisy (isolated dark specks, or a grainy background), since a
   * median also thins the one-pixel strokes and marks of a clean low-resolution scan; `always`.
   */
  medianWhen: 'noisy' | 'always';
  /** Estimate and correct skew up to this many degrees (0 = none). */
  maxSkewDegrees: number;
  /** Global Otsu threshold (tesseract binarises itself when false). */
  binarise: boolean;
  /** Rotate by a multiple of 90° first (orientation from tesseract's OSD). */
  rotate?: 0 | 90 | 180 | 270;
  limitInputPixels: number;
}

export const DEFAULT_CLEANUP: CleanupOptions = {
  minDpi: 250,
  median: 3,
  medianWhen: 'noisy',
  maxSkewDegrees: 8,
  binarise: false,
  limitInputPixels: 100_000_000,
};

/** An 8-bit greyscale page in memory. */
export interface GreyImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface CleanedPage extends GreyImage {
  /** The skew that was corrected, in degrees (sharp's rotate angle, clockwise positive). */
  skewDegrees: number;
  /** The resolution the page was brought to (estimated when the file did not say). */
  dpi: number;
}

/** A page's resolution: the file's density when plausible, else from the width of an A4/Letter page. */
export function estimateDpi(width: number, height: number, density: number | undefined): number {
  if (density && density >= 100 && density <= 1200) return density;
  // A portrait page's short side is 8.27 in (A4) or 8.5 in (Letter).
  return Math.round(Math.min(width, height) / 8.27);
}

/**
 * Binary PGM (P5, 8-bit): what `pdftoppm -gray` writes and what tesseract (leptonica) reads. No
 * compression: a noisy 300 dpi page costs poppler ~14 s of CPU to write as PNG and 0.2 s as PGM.
 */
export function parsePgm(bytes: Buffer): GreyImage {
  const header = /^P5\s+(?:#[^\n]*\s+)*(\d+)\s+(?:#[^\n]*\s+)*(\d+)\s+(?:#[^\n]*\s+)*(\d+)\s/.exec(
    bytes.subarray(0, 200).toString('latin1'),
  );
  if (!header) throw new Error('not a binary PGM image');
  const width = Number(header[1]);
  const height = Number(header[2]);
  if (Number(header[3]) !== 255) throw new Error('only 8-bit PGM is supported');
  const data = bytes.subarray(header[0].length, header[0].length + width * height);
  if (data.length !== width * height) throw new Error('the PGM image is cut short');
  return { data, width, height };
}

export function toPgm(img: GreyImage): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${img.width} ${img.height}\n255\n`, 'latin1'), img.data]);
}

const rawSharp = (img: GreyImage) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 1 }, limitInputPixels: false });

/** Any image sharp reads (JPEG, PNG, one TIFF page) as 8-bit grey on white, with its density. */
export async function decodeGrey(
  input: Buffer,
  opts: { page?: number; limitInputPixels: number },
): Promise<GreyImage & { density?: number }> {
  const src = sharp(input, { limitInputPixels: opts.limitInputPixels, ...(opts.page !== undefined ? { page: opts.page } : {}) });
  const meta = await src.metadata();
  // One 8-bit channel (greyscale() alone may leave an alpha or 3 identical channels).
  const { data, info } = await src
    .flatten({ background: '#ffffff' })
    .greyscale()
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, ...(meta.density ? { density: meta.density } : {}) };
}

/** A PNG of the page, `width` pixels wide, for people to look at. */
export async function previewPng(img: GreyImage, width: number): Promise<Buffer> {
  return rawSharp(img).resize({ width, withoutEnlargement: true }).png({ compressionLevel: 6 }).toBuffer();
}

export async function cleanPage(input: GreyImage & { density?: number }, opts: CleanupOptions): Promise<CleanedPage> {
  let grey: GreyImage = input;
  if (opts.rotate) {
    const r = await rawSharp(grey).rotate(opts.rotate).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    grey = { data: r.data, width: r.info.width, height: r.info.height };
  }
  const dpi = opts.dpi ?? estimateDpi(grey.width, grey.height, input.density);
  const factor = dpi > 0 && dpi < opts.minDpi ? Math.min(3, 300 / dpi) : 1;
  const median = opts.median > 1 && (opts.medianWhen === 'always' || looksNoisy(noiseOf(grey)));
  if (factor > 1.05 || median) {
    // Denoise at the scan's own resolution (a one-pixel speck is gone before upscaling makes it a
    // blob); sharp runs median after resize within one pipeline, hence two passes.
    const pass = async (op: (img: sharp.Sharp) => sharp.Sharp) => {
      const r = await op(rawSharp(grey)).extractChannel(0).raw().toBuffer({ resolveWithObject: true }); // libvips would hand back sRGB
      grey = { data: r.data, width: r.info.width, height: r.info.height };
    };
    if (median) await pass((img) => img.median(opts.median));
    if (factor > 1.05)
      await pass((img) => img.resize(Math.round(grey.width * factor), Math.round(grey.height * factor), { kernel: 'lanczos3' }));
  }
  const skew = opts.maxSkewDegrees > 0 ? estimateSkew(grey.data, grey.width, grey.height, opts.maxSkewDegrees) : 0;
  if (Math.abs(skew) >= 0.2 || opts.binarise) {
    let out = rawSharp(grey);
    if (Math.abs(skew) >= 0.2) out = out.rotate(skew, { background: { r: 255, g: 255, b: 255 } });
    // sharp applies the threshold after the rotation, so the corners it fills stay white.
    if (opts.binarise) out = out.threshold(otsuThreshold(grey.data));
    const r = await out.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    grey = { data: r.data, width: r.info.width, height: r.info.height };
  }
  return { ...grey, skewDegrees: round2(skew), dpi: Math.round(dpi * factor) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * How noisy a page looks: the share of dark pixels with no dark neighbour (specks: text strokes are
 * connected) and the standard deviation of the light background (grain; a clean page is flat).
 */
export function noiseOf(img: GreyImage): { specks: number; backgroundStd: number } {
  const { data, width, height } = img;
  let specks = 0;
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = 1; y < height - 1; y += 1) {
    const row = y * width;
    for (let x = 1; x < width - 1; x += 1) {
      const v = data[row + x]!;
      if (v >= 170) {
        n++;
        sum += v;
        sumSq += v * v;
      } else if (v < 110) {
        const up = row - width + x;
        const down = row + width + x;
        if (
          data[up - 1]! > 140 &&
          data[up]! > 140 &&
          data[up + 1]! > 140 &&
          data[row + x - 1]! > 140 &&
          data[row + x + 1]! > 140 &&
          data[down - 1]! > 140 &&
          data[down]! > 140 &&
          data[down + 1]! > 140
        ) {
          specks++;
        }
      }
    }
  }
  const mean = n ? sum / n : 255;
  return { specks: specks / Math.max(1, width * height), backgroundStd: n ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0 };
}

export const looksNoisy = (noise: { specks: number; backgroundStd: number }): boolean => noise.specks > 0.0001 || noise.backgroundStd > 6;

/** Otsu's threshold of an 8-bit greyscale buffer. */
export function otsuThreshold(pixels: Uint8Array): number {
  const hist = new Array<number>(256).fill(0);
  for (let i = 0; i < pixels.length; i++) hist[pixels[i]!]!++;
  const total = pixels.length;
  let sum = 0;
  for (let t = 0; t < 256; t++) sum += t * hist[t]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  return threshold;
}

/**
 * The skew of the text lines, in degrees, by the projection-profile method: ink pixels (darker
 * than Otsu's threshold) of a downsampled copy are projected onto rows for each candidate angle;
 * the angle whose profile is sharpest (largest sum of squared row counts) is the skew. Returns the
 * rotation that straightens the page (sharp's rotate() angle, clockwise positive).
 */
export function estimateSkew(pixels: Uint8Array, width: number, height: number, maxDegrees: number): number {
  const step = Math.max(1, Math.floor(width / 900));
  const t = otsuThreshold(pixels);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < height; y += step) {
    const row = y * width;
    for (let x = 0; x < width; x += step) {
      if (pixels[row + x]! < t) {
        xs.push(x / step);
        ys.push(y / step);
      }
    }
  }
  const n = xs.length;
  if (n < 200) return 0;
  // Too much ink is a photo or a dark scan, not text lines: leave it alone.
  if (n > ((width / step) * (height / step)) / 3) return 0;
  const rows = Math.ceil(Math.hypot(width, height) / step) + 2;
  const bins = new Float64Array(rows * 2);
  const score = (deg: number): number => {
    const a = (deg * Math.PI) / 180;
    const sin = Math.sin(a);
    const cos = Math.cos(a);
    bins.fill(0);
    for (let i = 0; i < n; i++) {
      const r = Math.round(ys[i]! * cos - xs[i]! * sin) + rows;
      bins[r]! += 1;
    }
    let s = 0;
    for (let i = 0; i < bins.length; i++) s += bins[i]! * bins[i]!;
    return s;
  };
  let bestDeg = 0;
  let best = score(0);
  for (let d = -maxDegrees; d <= maxDegrees; d += 0.5) {
    const s = score(d);
    if (s > best * 1.0001) {
      best = s;
      bestDeg = d;
    }
  }
  for (let d = bestDeg - 0.5; d <= bestDeg + 0.5; d += 0.1) {
    const s = score(d);
    if (s > best * 1.0001) {
      best = s;
      bestDeg = d;
    }
  }
  // Projecting at angle a straightens lines that were rotated by -a: rotate the image by -a.
  return -bestDeg;
}
