import fc from 'fast-check';
import { detectAttachmentType, safeFileName } from './magic-bytes';

/**
 * Property-based tests of the chat and note attachment checks (issue 11): random bytes, valid
 * signatures with random bodies, mutated and shifted signatures. A file is taken as a type only
 * when its first bytes really are that type's signature; nothing throws.
 */
/** FUZZ_SCALE=<k> (npm run fuzz: 10) runs k times as many cases. */
const SCALE = Number(process.env.FUZZ_SCALE) || 1;
const RUNS = 300 * SCALE;
jest.setTimeout(30_000 * SCALE);

/** The signatures, written out again here as the oracle (offset 0; WebP also at offset 8). */
const SIGNATURES = {
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [Array.from(Buffer.from('GIF87a')), Array.from(Buffer.from('GIF89a'))],
  'image/webp': [Array.from(Buffer.from('RIFF\0\0\0\0WEBP'))],
  'application/pdf': [Array.from(Buffer.from('%PDF-'))],
} as const;
type Type = keyof typeof SIGNATURES;
const TYPES = Object.keys(SIGNATURES) as Type[];
const EXTENSIONS: Record<Type, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

/** Whether the bytes start with one of the type's signatures (WebP: the 4 size bytes are free). */
function reallyIs(type: Type, bytes: Uint8Array): boolean {
  return SIGNATURES[type].some(
    (sig) => sig.length <= bytes.length && sig.every((b, i) => (type === 'image/webp' && i >= 4 && i < 8) || bytes[i] === b),
  );
}

const bytes = fc.uint8Array({ maxLength: 2048 });
const signed = fc.tuple(fc.constantFrom(...TYPES), fc.nat(), bytes).map(([type, which, rest]) => {
  const sigs = SIGNATURES[type];
  const sig = Uint8Array.from(sigs[which % sigs.length]!);
  return { type, data: Buffer.concat([sig, rest]) };
});

describe('attachment type by content (property-based)', () => {
  it('random bytes: never throws, and a type only when the signature is really there', () => {
    fc.assert(
      fc.property(bytes, (data) => {
        const detected = detectAttachmentType(data);
        if (detected) {
          expect(reallyIs(detected.contentType, data)).toBe(true);
          expect(detected.extension).toBe(EXTENSIONS[detected.contentType]);
        } else {
          expect(TYPES.filter((t) => reallyIs(t, data))).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a real signature followed by anything is that type', () => {
    fc.assert(
      fc.property(signed, ({ type, data }) => {
        expect(detectAttachmentType(data)?.contentType).toBe(type);
      }),
      { numRuns: RUNS },
    );
  });

  it('a signature with one byte changed, or shifted by junk, is not taken for that type', () => {
    fc.assert(
      fc.property(
        signed,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ minLength: 1, maxLength: 1100 }),
        (s, at, xor, junk) => {
          const sigLength = s.type === 'image/webp' ? 12 : SIGNATURES[s.type][0].length;
          const index = at % sigLength;
          const mutated = Buffer.from(s.data);
          if (!(s.type === 'image/webp' && index >= 4 && index < 8)) mutated[index] = mutated[index]! ^ xor;
          const m = detectAttachmentType(mutated);
          if (m) expect(reallyIs(m.contentType, mutated)).toBe(true);
          const shifted = Buffer.concat([junk, s.data]);
          const d = detectAttachmentType(shifted);
          if (d) expect(reallyIs(d.contentType, shifted)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('file names: never throws; a plain, well-formed, bounded name ending with the detected extension', () => {
    const name = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 250 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom(
        'a' + '😀'.repeat(150),
        'a' + '😀'.repeat(150) + '.png',
        '../../etc/passwd',
        'C:\\x\\y.pdf',
        'a.pdf\u0000.exe',
        '\u202egpj.exe',
        '.',
        '..',
        ' ',
        '.png',
      ),
    );
    fc.assert(
      fc.property(fc.option(name, { nil: undefined }), fc.constantFrom('png', 'jpg', 'gif', 'webp', 'pdf', 'txt'), (raw, ext) => {
        const safe = safeFileName(raw, ext);
        expect(safe.length).toBeGreaterThan(0);
        expect(safe.length).toBeLessThanOrEqual(200);
        expect(safe).not.toMatch(/[\\/"<>|:*?]/);
        // eslint-disable-next-line no-control-regex -- control characters are what must not be there
        expect(safe).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(safe).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/); // well-formed UTF-16
        const allowed = ext === 'jpg' ? ['jpg', 'jpeg'] : ext === 'txt' ? ['txt', 'log', 'csv'] : [ext];
        expect(allowed).toContain(/\.([^.]+)$/.exec(safe)?.[1]?.toLowerCase());
      }),
      { numRuns: RUNS },
    );
  });
});
