import { readFileSync } from 'node:fs';
import fontkit from '@pdf-lib/fontkit';
import { type PDFDocument, type PDFFont } from 'pdf-lib';

/**
 * DejaVu Serif (npm package `dejavu-fonts-ttf`, Bitstream Vera/DejaVu licence): 100 % of the
 * Vietnamese alphabet with every tone mark as precomposed glyphs. Loaded from node_modules, never
 * from a system path, so a letter looks the same on every machine. Embedded as a subset: only the
 * glyphs a letter uses go into the PDF (a page is ~30 KB, not 380 KB).
 */
const FONT_FILES = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSerif.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSerif-Bold.ttf',
  italic: 'dejavu-fonts-ttf/ttf/DejaVuSerif-Italic.ttf',
  boldItalic: 'dejavu-fonts-ttf/ttf/DejaVuSerif-BoldItalic.ttf',
} as const;

export type FontStyle = keyof typeof FONT_FILES;
export type LetterFonts = Record<FontStyle, PDFFont>;

const cache = new Map<FontStyle, Uint8Array>();

function fontBytes(style: FontStyle): Uint8Array {
  let bytes = cache.get(style);
  if (!bytes) {
    bytes = readFileSync(require.resolve(FONT_FILES[style]));
    cache.set(style, bytes);
  }
  return bytes;
}

export async function embedLetterFonts(doc: PDFDocument): Promise<LetterFonts> {
  doc.registerFontkit(fontkit);
  const embed = (style: FontStyle) => doc.embedFont(fontBytes(style), { subset: true });
  const [regular, bold, italic, boldItalic] = await Promise.all([embed('regular'), embed('bold'), embed('italic'), embed('boldItalic')]);
  return { regular, bold, italic, boldItalic };
}
