import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import { embedLetterFonts, type FontStyle, type LetterFonts } from './fonts';
import { wrapText } from './wrap';

/** A4 portrait, in points; margins after the Vietnamese administrative style (wider on the left, for binding). */
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { left: 70, right: 50, top: 52, bottom: 64 };
const INK = rgb(0.08, 0.08, 0.1);
const GREY = rgb(0.38, 0.38, 0.42);

export interface TextOptions {
  style?: FontStyle;
  size?: number;
  align?: 'left' | 'center' | 'right';
  /** Left edge, relative to the left margin (default 0). */
  x?: number;
  /** Width of the box the text wraps in (default: to the right margin). */
  width?: number;
  /** Extra space after the block. */
  after?: number;
  grey?: boolean;
  /** A rule under the text, as wide as the text (the national motto). */
  underline?: boolean;
}

export interface DocumentInfo {
  title: string;
  subject: string;
  author: string;
  language: string;
  createdAt: Date;
}

/**
 * A cursor over pages: blocks of wrapped text go down the page and onto a new one when it is full.
 * Enough layout for letters, nothing more.
 */
export class LetterWriter {
  readonly left = MARGIN.left;
  readonly contentWidth = PAGE.width - MARGIN.left - MARGIN.right;
  private page: PDFPage;
  private y: number;

  private constructor(
    readonly doc: PDFDocument,
    readonly fonts: LetterFonts,
  ) {
    this.page = doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN.top;
  }

  static async create(info: DocumentInfo): Promise<LetterWriter> {
    const doc = await PDFDocument.create();
    doc.setTitle(info.title, { showInWindowTitleBar: true });
    doc.setSubject(info.subject);
    doc.setAuthor(info.author);
    doc.setLanguage(info.language);
    doc.setCreator('@cg/letters');
    doc.setProducer('@cg/letters (pdf-lib)');
    doc.setCreationDate(info.createdAt);
    doc.setModificationDate(info.createdAt);
    return new LetterWriter(doc, await embedLetterFonts(doc));
  }

  lineHeight(size: number): number {
    return size * 1.38;
  }

  font(style: FontStyle = 'regular'): PDFFont {
    return this.fonts[style];
  }

  /** Lines `text` wraps into at `size` in `width`. */
  wrap(text: string, width: number, style: FontStyle = 'regular', size = 11): string[] {
    const font = this.font(style);
    return wrapText(text, width, (s) => font.widthOfTextAtSize(s, size));
  }

  /** Starts a new page when less than `height` is left on this one. */
  ensure(height: number): void {
    if (this.y - height < MARGIN.bottom) this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN.top;
  }

  gap(points: number): void {
    this.y -= points;
  }

  /** Wrapped text, line by line, breaking pages between lines. */
  text(text: string, o: TextOptions = {}): void {
    const size = o.size ?? 11;
    const style = o.style ?? 'regular';
    const width = o.width ?? this.contentWidth - (o.x ?? 0);
    const lh = this.lineHeight(size);
    for (const line of this.wrap(text, width, style, size)) {
      this.ensure(lh);
      this.drawLine(line, this.left + (o.x ?? 0), width, { size, style, align: o.align, grey: o.grey, underline: o.underline });
      this.y -= lh;
    }
    this.y -= o.after ?? 0;
  }

  /**
   * Two blocks side by side from the current line (letterhead, signatures); the cursor goes below
   * the longer one. Kept on one page.
   */
  columns(blocks: { x: number; width: number; lines: (TextOptions & { text: string })[] }[], after = 0): void {
    const laid = blocks.map((b) =>
      b.lines.flatMap((l) => {
        const size = l.size ?? 11;
        const wrapped = this.wrap(l.text, b.width, l.style, size);
        // `after` is the space below the whole line of the block, not below each wrapped piece.
        return wrapped.map((text, i) => ({ ...l, text, size, x: b.x, width: b.width, after: i === wrapped.length - 1 ? l.after : 0 }));
      }),
    );
    const heights = laid.map((lines) => lines.reduce((h, l) => h + this.lineHeight(l.size) + (l.after ?? 0), 0));
    this.ensure(Math.max(0, ...heights));
    const top = this.y;
    let bottom = top;
    for (const lines of laid) {
      let y = top;
      for (const l of lines) {
        this.y = y;
        this.drawLine(l.text, this.left + l.x, l.width, l);
        y -= this.lineHeight(l.size) + (l.after ?? 0);
      }
      bottom = Math.min(bottom, y);
    }
    this.y = bottom - after;
  }

  /** The label column wide enough for every label of a group of `labelled` rows. */
  labelWidth(labels: string[], size = 11): number {
    const bold = this.font('bold');
    return Math.max(...labels.map((l) => bold.widthOfTextAtSize(`${l}:`, size))) + 10;
  }

  /** "Label: value", the label bold, the value wrapping under itself (hanging indent). */
  labelled(label: string, value: string, o: { size?: number; labelWidth?: number; after?: number } = {}): void {
    const size = o.size ?? 11;
    const lh = this.lineHeight(size);
    const bold = this.font('bold');
    const labelText = `${label}:`;
    const measured = bold.widthOfTextAtSize(labelText, size) + 6;
    const labelWidth = Math.max(o.labelWidth ?? 0, measured);
    const hanging = labelWidth <= this.contentWidth * 0.45;
    const valueX = hanging ? labelWidth : 14;
    const lines = this.wrap(value, this.contentWidth - valueX, 'regular', size);
    this.ensure(lh * Math.min(2, lines.length + (hanging ? 0 : 1)));
    this.drawLine(labelText, this.left, labelWidth, { size, style: 'bold' });
    if (!hanging) this.y -= lh;
    for (const line of lines) {
      this.ensure(lh);
      this.drawLine(line, this.left + valueX, this.contentWidth - valueX, { size });
      this.y -= lh;
    }
    this.y -= o.after ?? 0;
  }

  /** A heading kept with the first lines of what follows it. */
  heading(text: string, o: { size?: number; before?: number } = {}): void {
    const size = o.size ?? 11.5;
    this.y -= o.before ?? 6;
    this.ensure(this.lineHeight(size) + 3 * this.lineHeight(11));
    this.text(text, { style: 'bold', size, after: 2 });
  }

  /** Paragraphs separated by blank lines, first lines indented like a Vietnamese letter. */
  paragraphs(text: string, o: { size?: number; indent?: number; after?: number } = {}): void {
    const size = o.size ?? 11;
    const parts = text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean);
    for (const [i, p] of parts.entries()) {
      const indent = o.indent ?? 0;
      const first = this.wrap(p, this.contentWidth - indent, 'regular', size);
      const lh = this.lineHeight(size);
      this.ensure(lh * Math.min(2, first.length));
      for (const line of first) {
        this.ensure(lh);
        this.drawLine(line, this.left + indent, this.contentWidth - indent, { size });
        this.y -= lh;
      }
      this.y -= i < parts.length - 1 ? size * 0.5 : (o.after ?? 0);
    }
  }

  rule(o: { x?: number; width?: number; after?: number; before?: number } = {}): void {
    this.y -= o.before ?? 0;
    const x = this.left + (o.x ?? 0);
    this.page.drawLine({
      start: { x, y: this.y },
      end: { x: x + (o.width ?? this.contentWidth), y: this.y },
      thickness: 0.6,
      color: INK,
    });
    this.y -= o.after ?? 0;
  }

  /** Footer on every page (drawn last, when the page count is known), then the PDF bytes. */
  async finish(footer: (page: number, of: number) => { left: string; right: string }): Promise<Uint8Array> {
    const pages = this.doc.getPages();
    const font = this.font('regular');
    const size = 8;
    for (const [i, page] of pages.entries()) {
      const { left, right } = footer(i + 1, pages.length);
      const y = MARGIN.bottom - 30;
      page.drawLine({
        start: { x: this.left, y: y + 11 },
        end: { x: this.left + this.contentWidth, y: y + 11 },
        thickness: 0.3,
        color: GREY,
      });
      page.drawText(left, { x: this.left, y, size, font, color: GREY });
      page.drawText(right, {
        x: this.left + this.contentWidth - font.widthOfTextAtSize(right, size),
        y,
        size,
        font,
        color: GREY,
      });
    }
    // No object streams: signing (signPdf) rewrites the file the same way; viewers do not care.
    return this.doc.save({ useObjectStreams: false });
  }

  private drawLine(line: string, x: number, width: number, o: TextOptions): void {
    if (!line) return;
    const size = o.size ?? 11;
    const font = this.font(o.style);
    const w = font.widthOfTextAtSize(line, size);
    const dx = o.align === 'center' ? (width - w) / 2 : o.align === 'right' ? width - w : 0;
    const color = o.grey ? GREY : INK;
    this.page.drawText(line, { x: x + dx, y: this.y - size, size, font, color });
    if (o.underline) {
      const y = this.y - size - 3.5;
      this.page.drawLine({ start: { x: x + dx, y }, end: { x: x + dx + w, y }, thickness: 0.6, color });
    }
  }
}
