import fc from 'fast-check';
import sharp from 'sharp';
import { DEFAULT_SCAN_LIMITS, detectKind, inspectScan, ScanRejected, type ScanKind } from './scan-check';

/**
 * Property-based tests of the postal scan checks (issue 11): random bytes, real scans (PDF, PNG,
 * JPEG, TIFF) with bytes flipped, cut, inserted or overwritten, and real signatures in front of
 * junk. inspectScan never fails with anything but a ScanRejected (a clerk-readable refusal), and
 * what it accepts really is the kind it says, read back by an independent reader (sharp for
 * images, the signature and poppler's page count for PDFs).
 */
/** FUZZ_SCALE=<k> (npm run fuzz: 10) runs k times as many cases. */
const SCALE = Number(process.env.FUZZ_SCALE) || 1;
const RUNS = 40 * SCALE;
jest.setTimeout(30_000 * SCALE);

const SIGNATURES: Record<ScanKind, number[][]> = {
  pdf: [Array.from(Buffer.from('%PDF-'))],
  jpeg: [[0xff, 0xd8, 0xff]],
  png: [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  tiff: [
    [0x49, 0x49, 0x2a, 0x00],
    [0x4d, 0x4d, 0x00, 0x2a],
  ],
};
const startsWithSignature = (kind: ScanKind, b: Uint8Array) => SIGNATURES[kind].some((sig) => sig.every((x, i) => b[i] === x));

/** A one-page PDF written by hand (pdfinfo reads it; its xref offsets are right). */
function minimalPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>',
    '<< /Length 21 >>\nstream\n0 0 m 100 100 l S\n\nendstream',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

type Mutation =
  | { op: 'flip'; at: number; xor: number }
  | { op: 'cut'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'overwrite'; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ op: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

function mutate(seed: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const at = b.length ? m.at % b.length : 0;
    if (m.op === 'flip' && b.length) b[at] = b[at]! ^ m.xor;
    if (m.op === 'cut') b = b.subarray(0, at);
    if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    if (m.op === 'overwrite') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at + m.bytes.length)]);
  }
  return b;
}

describe('postal scan checks (property-based)', () => {
  let seeds: Record<ScanKind, Buffer>;

  beforeAll(async () => {
    const image = sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 250, g: 250, b: 240 } } });
    seeds = {
      pdf: minimalPdf(),
      png: await image.clone().png().toBuffer(),
      jpeg: await image.clone().jpeg().toBuffer(),
      tiff: await image.clone().tiff().toBuffer(),
    };
    // The seeds themselves pass: the properties below start from accepted files.
    for (const [kind, bytes] of Object.entries(seeds)) expect((await inspectScan(bytes)).kind).toBe(kind);
  });

  /** Accepted → really that kind (independent reader); refused → a ScanRejected; nothing else. */
  async function checkedByAnotherReader(bytes: Buffer): Promise<'accepted' | ScanRejected['code']> {
    let info;
    try {
      info = await inspectScan(bytes);
    } catch (err) {
      if (!(err instanceof ScanRejected)) throw err;
      expect([413, 422]).toContain(err.status);
      expect(err.message.length).toBeGreaterThan(0);
      return err.code;
    }
    expect(info.kind).toBe(detectKind(bytes));
    expect(startsWithSignature(info.kind, bytes)).toBe(true);
    expect(info.pages).toBeGreaterThanOrEqual(1);
    expect(info.pages).toBeLessThanOrEqual(DEFAULT_SCAN_LIMITS.maxPages);
    expect(info.pageSizes).toHaveLength(info.pages);
    if (info.kind !== 'pdf') {
      const meta = await sharp(bytes, { pages: -1 }).metadata();
      expect(meta.format).toBe(info.kind);
    }
    return 'accepted';
  }

  it('detectKind on random bytes: never throws, a kind only when its signature is at offset 0', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const kind = detectKind(bytes);
        const really = (Object.keys(SIGNATURES) as ScanKind[]).filter((k) => startsWithSignature(k, bytes));
        expect(kind === null ? [] : [kind]).toEqual(really);
      }),
      { numRuns: RUNS * 25 },
    );
  });

  it('random bytes, alone or behind a real signature: refused with a reason, never a crash', async () => {
    const kinds = Object.keys(SIGNATURES) as ScanKind[];
    await fc.assert(
      fc.asyncProperty(fc.option(fc.constantFrom(...kinds)), fc.nat(), fc.uint8Array({ maxLength: 4096 }), async (kind, which, rest) => {
        const head = kind ? Buffer.from(SIGNATURES[kind][which % SIGNATURES[kind].length]!) : Buffer.alloc(0);
        await checkedByAnotherReader(Buffer.concat([head, rest]));
      }),
      { numRuns: RUNS },
    );
  });

  it('real scans with bytes flipped, cut, inserted or overwritten: accepted only when still that kind', async () => {
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<ScanKind>('pdf', 'png', 'jpeg', 'tiff'),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        async (kind, mutations) => {
          const outcome = await checkedByAnotherReader(mutate(seeds[kind], mutations));
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        },
      ),
      { numRuns: RUNS * 2 },
    );
    // Both sides were exercised: some mutants still pass (e.g. a flipped pixel), most are refused.
    expect([...outcomes.keys()].length).toBeGreaterThan(1);
  });
});
