import { detectKind, inspectScan, parsePdfInfo, type ScanRejected } from './scan-check';
import { parseOsd, parseTesseractTsv } from './ocr';

describe('scan checks by content', () => {
  it('tells the kind by the first bytes only', () => {
    expect(detectKind(Buffer.from('%PDF-1.7\n'))).toBe('pdf');
    expect(detectKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(detectKind(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(detectKind(Buffer.from([0x49, 0x49, 0x2a, 0x00]))).toBe('tiff');
    expect(detectKind(Buffer.from([0x4d, 0x4d, 0x00, 0x2a]))).toBe('tiff');
    expect(detectKind(Buffer.from('GIF89a'))).toBeNull();
    expect(detectKind(Buffer.from(' %PDF-1.7'))).toBeNull(); // offset 0 only
  });

  it('refuses empty, unknown, oversized and truncated files with a code', async () => {
    const reject = (bytes: Buffer, limits?: Parameters<typeof inspectScan>[1]) =>
      inspectScan(bytes, limits).then(
        () => 'accepted',
        (e: ScanRejected) => e.code,
      );
    expect(await reject(Buffer.alloc(0))).toBe('empty_file');
    expect(await reject(Buffer.from('hello, not a scan'))).toBe('unsupported_type');
    expect(await reject(Buffer.from('%PDF-1.4\n1 0 obj'))).toBe('truncated');
    expect(await reject(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe('truncated');
    expect(
      await reject(Buffer.from('%PDF-1.4 ...'), { maxBytes: 4, maxPages: 1, maxPageSidePoints: 1, maxImagePixels: 1, inspectTimeoutMs: 1 }),
    ).toBe('too_large');
  });

  it('parses pdfinfo output', () => {
    const info = parsePdfInfo(
      'Pages:           2\nEncrypted:       no\nPage    1 size:  595 x 842 pts (A4)\nPage    2 size:  612 x 792 pts (letter)\n',
    );
    expect(info).toEqual({
      pages: 2,
      encrypted: false,
      pageSizes: [
        { width: 595, height: 842 },
        { width: 612, height: 792 },
      ],
    });
    expect(parsePdfInfo('Pages: 1\nEncrypted: yes (print:no)\nPage size: 100 x 200 pts\n')).toMatchObject({
      encrypted: true,
      pageSizes: [{ width: 100, height: 200 }],
    });
  });
});

describe('tesseract output', () => {
  it('groups TSV words into lines and paragraphs with confidences weighted by length', () => {
    const row = (block: number, par: number, line: number, conf: number, text: string) =>
      `5\t1\t${block}\t${par}\t${line}\t1\t0\t0\t1\t1\t${conf}\t${text}`;
    const tsv = [
      'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
      row(1, 1, 1, 90, 'Khiếu'),
      row(1, 1, 1, 80, 'nại'),
      row(1, 2, 1, 50, 'Tên'),
      '4\t1\t1\t1\t1\t0\t0\t0\t1\t1\t-1\t',
    ].join('\n');
    const r = parseTesseractTsv(tsv);
    expect(r.text).toBe('Khiếu nại\n\nTên');
    expect(r.lines).toEqual([
      { text: 'Khiếu nại', confidence: 86.3 },
      { text: 'Tên', confidence: 50 },
    ]);
    expect(r.confidence).toBe(76.4); // (5·90 + 3·80 + 3·50) / 11
  });

  it('reads the rotation of OSD output', () => {
    expect(parseOsd('Page number: 0\nOrientation in degrees: 180\nRotate: 180\nOrientation confidence: 12.5\n')).toEqual({
      rotate: 180,
      confidence: 12.5,
    });
    expect(parseOsd('nothing')).toBeNull();
  });
});
