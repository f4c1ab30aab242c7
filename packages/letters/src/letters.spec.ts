import { PDFDocument } from 'pdf-lib';
import { renderAnswerLetter } from './answer-letter';
import { type AnswerLetterInput, LetterInputError, type ReceiptLetterInput } from './input';
import { renderReceiptLetter } from './receipt-letter';
import { pdfTextLiteral } from './sign';
import { LETTER_TEXTS } from './texts';

const company = {
  name: 'Công ty Cổ phần Tên Miền Việt',
  address: 'Số 12 Phố Trần Hưng Đạo, quận Hoàn Kiếm, Hà Nội',
  hotline: '024.7108.9999',
  email: 'hotrokhachhang@tenten.vn',
};

const answer: AnswerLetterInput = {
  company,
  caseNumber: 'KN26-00042',
  receivedAt: '2026-11-30T09:15:00+07:00',
  answeredAt: '2026-12-03T10:00:00+07:00',
  customer: { name: 'Nguyễn Thị Bích', address: '45 Lê Duẩn, Hải Châu, Đà Nẵng' },
  complaintSummary: 'Tên miền hết hạn dù đã thanh toán.',
  findings: 'Khoản thanh toán chưa được đối soát.',
  cause: 'Lỗi đối soát.',
  remedy: 'Đã gia hạn tên miền.',
  signer: { name: 'Trần Văn Đức', title: 'Trưởng phòng Chăm sóc khách hàng' },
};

const receipt: ReceiptLetterInput = {
  company,
  caseNumber: 'KN26-00042',
  receivedAt: '2026-11-30T09:15:00+07:00',
  channel: 'postal',
  customer: { name: 'Nguyễn Thị Bích' },
  complaintSummary: 'Tên miền hết hạn dù đã thanh toán.',
  customerRequest: 'Khôi phục tên miền.',
  deadlines: { target: '2026-12-07', cap: new Date('2026-12-28T17:00:00Z') },
};

async function pageCount(pdf: Uint8Array): Promise<number> {
  return (await PDFDocument.load(pdf)).getPageCount();
}

describe('renderAnswerLetter', () => {
  it('renders a PDF with the case in its metadata', async () => {
    const pdf = await renderAnswerLetter(answer);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    const doc = await PDFDocument.load(pdf);
    expect(doc.getTitle()).toBe('Trả lời khiếu nại KN26-00042');
    expect(doc.getAuthor()).toBe(company.name);
  });

  it('runs onto more pages when the findings are long', async () => {
    const long = Array.from(
      { length: 60 },
      (_, i) => `Đoạn ${i + 1}: bộ phận kỹ thuật đã kiểm tra nhật ký hệ thống và máy chủ tên miền.`,
    ).join('\n\n');
    expect(await pageCount(await renderAnswerLetter({ ...answer, findings: long }))).toBeGreaterThanOrEqual(3);
  });

  it('names every missing or bad field', async () => {
    const bad = {
      ...answer,
      customer: { address: 'x' },
      signer: { name: 'Trần Văn Đức', title: '  ' },
      remedy: undefined,
      receivedAt: '30/11/2026',
      language: 'fr',
    } as unknown as AnswerLetterInput;
    const err = await renderAnswerLetter(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LetterInputError);
    const fields = (err as LetterInputError).issues.map((i) => i.field).sort();
    expect(fields).toEqual(['customer.name', 'language', 'receivedAt', 'remedy', 'signer.title']);
    expect((err as Error).message).toMatch(/^answer letter: invalid input: .*signer\.title: required/);
  });

  it('refuses unknown fields and control characters', async () => {
    await expect(renderAnswerLetter({ ...answer, extra: 1 } as AnswerLetterInput)).rejects.toThrow(/unrecognized key/i);
    await expect(renderAnswerLetter({ ...answer, cause: 'a\u0000b' })).rejects.toThrow(/cause: contains control characters/);
  });
});

describe('renderReceiptLetter', () => {
  it('renders one page in Vietnamese and in English', async () => {
    expect(await pageCount(await renderReceiptLetter(receipt))).toBe(1);
    expect(await pageCount(await renderReceiptLetter({ ...receipt, language: 'en' }))).toBe(1);
  });

  it('names a bad channel and a bad deadline', async () => {
    const err = await renderReceiptLetter({
      ...receipt,
      channel: 'fax',
      deadlines: { target: 'soon', cap: '2026-12-28' },
    } as unknown as ReceiptLetterInput).catch((e: unknown) => e);
    expect((err as LetterInputError).issues.map((i) => i.field).sort()).toEqual(['channel', 'deadlines.target']);
  });
});

describe('texts', () => {
  it('has the same keys in both languages', () => {
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' && !Array.isArray(v) ? keys(v).map((s) => `${k}.${s}`) : [k]));
    const { nationalHeading: _vi, ...vi } = LETTER_TEXTS.vi;
    expect(keys(LETTER_TEXTS.en).sort()).toEqual(keys(vi).sort());
  });
});

describe('pdfTextLiteral', () => {
  it('leaves ASCII as it is, escaping parentheses and backslashes', () => {
    expect(pdfTextLiteral('Hanoi (HQ) a\\b')).toBe('Hanoi \\(HQ\\) a\\\\b');
  });

  it('writes other text as UTF-16BE with a byte-order mark, in octal escapes', () => {
    // Đ = U+0110 → FE FF 01 10
    expect(pdfTextLiteral('Đ')).toBe('\\376\\377\\001\\020');
  });
});
