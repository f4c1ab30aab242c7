import sharp from 'sharp';
import { estimateSkew, looksNoisy, noiseOf, otsuThreshold, parsePgm, toPgm } from './image-cleanup';

/** A white page with dark "text lines" (dashed bars), like a letter seen from afar. */
function page(width = 800, height = 1000): Buffer {
  const data = Buffer.alloc(width * height, 255);
  for (let y = 100; y < height - 100; y += 40) {
    for (let dy = 0; dy < 8; dy++) {
      for (let x = 80; x < width - 80; x++) if (x % 24 < 18) data[(y + dy) * width + x] = 20;
    }
  }
  return data;
}

describe('page cleanup', () => {
  it('measures the skew that straightens a rotated page', async () => {
    const raw = { width: 800, height: 1000, channels: 1 as const };
    for (const angle of [-3, 2]) {
      const turned = await sharp(page(), { raw })
        .rotate(angle, { background: '#ffffff' })
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
      const correction = estimateSkew(turned.data, turned.info.width, turned.info.height, 8);
      expect(Math.abs(correction + angle)).toBeLessThanOrEqual(0.3);
    }
    expect(Math.abs(estimateSkew(page(), 800, 1000, 8))).toBeLessThanOrEqual(0.1);
  });

  it('tells a noisy page from a clean one', () => {
    const clean = { data: page(), width: 800, height: 1000 };
    expect(looksNoisy(noiseOf(clean))).toBe(false);
    const specks = Buffer.from(clean.data);
    for (let i = 5000; i < specks.length; i += 997) if (specks[i] === 255) specks[i] = 0;
    expect(looksNoisy(noiseOf({ ...clean, data: specks }))).toBe(true);
  });

  it('round-trips PGM and finds the Otsu threshold between ink and paper', () => {
    const img = { data: Buffer.from([0, 255, 30, 240, 20, 250]), width: 3, height: 2 };
    expect(parsePgm(toPgm(img))).toEqual(img);
    const t = otsuThreshold(img.data);
    expect(t).toBeGreaterThanOrEqual(30);
    expect(t).toBeLessThan(240);
  });
});
