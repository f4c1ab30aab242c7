// Letters against the real tools a customer's or an auditor's machine would use: poppler's
// pdfsig verifies the signature, pdftotext reads the text back, pdftoppm draws the pages
// (kept in test-artifacts/letters/ to look at). The certificate is made here with openssl.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PDFDict, PDFDocument, PDFName, PDFString, PDFHexString } from 'pdf-lib';
import {
  type AnswerLetterInput,
  type ReceiptLetterInput,
  LetterSigningError,
  readSigningCertificate,
  renderAnswerLetter,
  renderReceiptLetter,
  signPdf,
} from '@cg/letters';

const run = promisify(execFile);
const ARTIFACTS = join(__dirname, '../../../test-artifacts/letters');
const PASSPHRASE = 'mat-khau-thu-nghiem';
const SIGNER = 'Trần Văn Đức';

const company = {
  name: 'Công ty Cổ phần Tên Miền Việt',
  address: 'Tầng 5, số 12 Phố Trần Hưng Đạo, quận Hoàn Kiếm, Hà Nội',
  hotline: '024.7108.9999',
  email: 'hotrokhachhang@tenten.vn',
};

const answer: AnswerLetterInput = {
  company,
  caseNumber: 'KN26-00042',
  receivedAt: '2026-11-30T09:15:00+07:00',
  answeredAt: '2026-12-03T10:00:00+07:00',
  customer: { name: 'Nguyễn Thị Bích', address: '45 Lê Duẩn, phường Hải Châu, Đà Nẵng' },
  complaintSummary:
    'Quý khách phản ánh tên miền bichnguyen.vn đã hết hạn và ngừng hoạt động ngày 28/11/2026 dù Quý khách đã ' +
    'thanh toán phí gia hạn ngày 20/11/2026 qua chuyển khoản.',
  findings:
    'Bộ phận Tên miền đã kiểm tra: khoản thanh toán của Quý khách đã về tài khoản công ty ngày 21/11/2026 nhưng ' +
    'không được đối soát tự động vì nội dung chuyển khoản thiếu mã đơn hàng.\n\nTên miền đã được gia hạn ngày ' +
    '02/12/2026 thêm 01 năm, đến ngày 28/11/2027, và hoạt động bình thường trở lại.',
  cause: 'Lỗi đối soát thanh toán của hệ thống chúng tôi: giao dịch thiếu mã đơn hàng không được chuyển cho nhân viên kiểm tra.',
  remedy: 'Gia hạn tên miền thêm 01 năm; tặng thêm 03 tháng sử dụng miễn phí; kiểm tra thủ công các giao dịch chưa đối soát hằng ngày.',
  signer: { name: SIGNER, title: 'Trưởng phòng Chăm sóc khách hàng' },
};

const receipt: ReceiptLetterInput = {
  company,
  caseNumber: 'KN26-00042',
  receivedAt: '2026-11-30T09:15:00+07:00',
  channel: 'postal',
  customer: { name: 'Nguyễn Thị Bích', address: '45 Lê Duẩn, phường Hải Châu, Đà Nẵng', phone: '0905 123 456' },
  complaintSummary: 'Tên miền bichnguyen.vn hết hạn dù đã thanh toán phí gia hạn.',
  customerRequest: 'Khôi phục tên miền ngay và bồi thường thời gian gián đoạn.',
  // As the calendar gives them: the target's day, the cap's instant (24:00 ICT = 17:00Z).
  deadlines: { target: '2026-12-07', cap: new Date('2026-12-28T17:00:00Z'), targetWorkingDays: 5, capLength: 20 },
  receivedBy: { name: 'Lê Thu Hà', title: 'Nhân viên văn thư' },
};

let dir: string;
let p12: Buffer;

async function pdfsig(file: string): Promise<string> {
  // pdfsig exits 0 whatever it finds about the signature; what counts is what it prints.
  const { stdout } = await run('pdfsig', [file]);
  return stdout;
}

async function pdftotext(pdf: Uint8Array, name: string): Promise<string> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  // -layout keeps "label: value" rows on one line (the default order reads a column at a time).
  const { stdout } = await run('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout.normalize('NFC');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cg-letters-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  // A throw-away certificate like a Vietnamese CA issues: UTF-8 names with diacritics.
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-utf8',
    '-subj', `/C=VN/O=${company.name}/CN=${SIGNER}`,
  ]); // prettier-ignore
  const out = join(dir, 'cert.p12');
  // OpenSSL 3's default PKCS#12 (AES-256, PBKDF2, SHA-256 MAC), what an admin makes today.
  await run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', out, '-passout', `pass:${PASSPHRASE}`]);
  p12 = await readFile(out);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('signed answer letter', () => {
  let signed: Buffer;
  let signedFile: string;

  beforeAll(async () => {
    const pdf = await renderAnswerLetter(answer);
    signed = await signPdf(pdf, {
      p12,
      passphrase: PASSPHRASE,
      reason: 'Trả lời khiếu nại KN26-00042',
      location: 'Hà Nội',
      signerName: SIGNER,
      signingTime: new Date('2026-12-03T03:00:00Z'),
    });
    signedFile = join(dir, 'signed.pdf');
    await writeFile(signedFile, signed);
    await writeFile(join(ARTIFACTS, 'answer-signed.pdf'), signed);
  });

  it('is valid for pdfsig, signed by the certificate holder', async () => {
    const report = await pdfsig(signedFile);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain(`Signer Certificate Common Name: ${SIGNER}`);
    expect(report).toContain(`O=${company.name}`);
    expect(report).toContain('Signing Hash Algorithm: SHA-256');
    expect(report).toContain('Total document signed');
  });

  it('names the signer, reason and location in Vietnamese in the signature dictionary', async () => {
    const doc = await PDFDocument.load(signed);
    const fields = doc.getForm().getFields();
    expect(fields.map((f) => f.getName())).toEqual(['Signature1']);
    const sig = fields[0]!.acroField.dict.lookup(PDFName.of('V'), PDFDict);
    const text = (k: string) => sig.lookup(PDFName.of(k), PDFString, PDFHexString).decodeText();
    expect(text('Name')).toBe(SIGNER);
    expect(text('Reason')).toBe('Trả lời khiếu nại KN26-00042');
    expect(text('Location')).toBe('Hà Nội');
  });

  it('reads back with every diacritic', async () => {
    const text = await pdftotext(signed, 'answer-text');
    for (const s of [
      'VĂN BẢN TRẢ LỜI KHIẾU NẠI',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Hà Nội, ngày 03 tháng 12 năm 2026',
      'Số hồ sơ: KN26-00042',
      'Nguyễn Thị Bích',
      'khiếu nại',
      'Đà Nẵng',
      'Ngày tiếp nhận khiếu nại: 30/11/2026',
      'Ngày trả lời: 03/12/2026',
      'Nguyên nhân',
      'Biện pháp khắc phục',
      'đường dây nóng 024.7108.9999',
      SIGNER,
      'TRƯỞNG PHÒNG CHĂM SÓC KHÁCH HÀNG',
    ]) {
      expect(text.replace(/\s+/g, ' ')).toContain(s);
    }
  });

  it('fails pdfsig once a signed byte is changed (the case number in the title)', async () => {
    const hex = (s: string) => Buffer.from(`\ufeff${s}`, 'utf16le').swap16().toString('hex').toUpperCase();
    const title = Buffer.from(hex('Trả lời khiếu nại KN26-00042'));
    const at = signed.indexOf(title);
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(signed);
    Buffer.from(hex('Trả lời khiếu nại KN26-00043')).copy(tampered, at);
    const file = join(dir, 'tampered.pdf');
    await writeFile(file, tampered);
    const report = await pdfsig(file);
    expect(report).not.toContain('Signature is Valid');
    expect(report).toMatch(/Signature Validation: (Digest Mismatch|Signature is Invalid)/);
  });

  it('refuses to sign it again', async () => {
    await expect(signPdf(signed, { p12, passphrase: PASSPHRASE, reason: 'x', location: 'y', signerName: 'z' })).rejects.toThrow(
      'signPdf: the PDF is already signed',
    );
  });

  it('draws pages that look like a letter (test-artifacts/letters/answer-1.png)', async () => {
    await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', signedFile, join(ARTIFACTS, 'answer')]);
    expect((await stat(join(ARTIFACTS, 'answer-1.png'))).size).toBeGreaterThan(10_000);
  });
});

describe('certificates', () => {
  it('accepts the legacy PKCS#12 form (3DES, SHA-1 MAC) that older CA tools still produce', async () => {
    const legacy = join(dir, 'legacy.p12');
    await run('openssl', [
      'pkcs12', '-export', '-legacy', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-out', legacy,
      '-passout', `pass:${PASSPHRASE}`,
    ]); // prettier-ignore
    const signed = await signPdf(await renderReceiptLetter(receipt), {
      p12: await readFile(legacy),
      passphrase: PASSPHRASE,
      reason: 'Phiếu tiếp nhận KN26-00042',
      location: 'Hà Nội',
      signerName: SIGNER,
    });
    const file = join(dir, 'receipt-signed.pdf');
    await writeFile(file, signed);
    const report = await pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain(`Signer Certificate Common Name: ${SIGNER}`);
  });
});

describe('signing errors', () => {
  it('says the passphrase or the file is wrong', async () => {
    const pdf = await renderAnswerLetter(answer);
    const err = await signPdf(pdf, { p12, passphrase: 'sai', reason: 'r', location: 'l', signerName: 's' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LetterSigningError);
    expect((err as Error).message).toMatch(/cannot read the PKCS#12 certificate \(wrong passphrase or not a \.p12 file\)/);
    await expect(
      signPdf(pdf, { p12: Buffer.from('not a p12'), passphrase: '', reason: 'r', location: 'l', signerName: 's' }),
    ).rejects.toThrow(/cannot read the PKCS#12/);
  });

  it('names the missing options', async () => {
    await expect(
      signPdf(new Uint8Array(), { p12: Buffer.alloc(0), passphrase: '', reason: ' ', location: 'Hà Nội', signerName: '' }),
    ).rejects.toThrow('signPdf: missing p12, reason, signerName');
  });

  it('refuses what is not a PDF', async () => {
    await expect(
      signPdf(Buffer.from('hello'), { p12, passphrase: PASSPHRASE, reason: 'r', location: 'l', signerName: 's' }),
    ).rejects.toThrow(/not a readable PDF/);
  });

  it('reads the certificate from the environment settings (base64 or path)', () => {
    const path = join(dir, 'cert.p12');
    expect(readSigningCertificate({ LETTER_SIGNING_P12_PATH: path, LETTER_SIGNING_PASSPHRASE: PASSPHRASE })).toEqual({
      p12,
      passphrase: PASSPHRASE,
    });
    expect(readSigningCertificate({ LETTER_SIGNING_P12_BASE64: p12.toString('base64') })?.p12.equals(p12)).toBe(true);
    expect(readSigningCertificate({})).toBeUndefined();
  });
});

describe('other letters', () => {
  it('answer in English keeps the Vietnamese names', async () => {
    const text = await pdftotext(await renderAnswerLetter({ ...answer, language: 'en' }), 'answer-en');
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('ANSWER TO YOUR COMPLAINT');
    expect(flat).toContain('Hanoi, 3 December 2026');
    expect(flat).toContain('Complaint received on: 30 November 2026');
    expect(flat).toContain('Nguyễn Thị Bích');
    expect(flat).not.toContain('CỘNG HÒA');
  });

  it('receipt slip carries the case, channel, request and both deadlines', async () => {
    const pdf = await renderReceiptLetter(receipt);
    await writeFile(join(ARTIFACTS, 'receipt.pdf'), pdf);
    await run('pdftoppm', ['-png', '-r', '60', join(ARTIFACTS, 'receipt.pdf'), join(ARTIFACTS, 'receipt')]);
    const flat = (await pdftotext(pdf, 'receipt')).replace(/\s+/g, ' ');
    for (const s of [
      'PHIẾU TIẾP NHẬN KHIẾU NẠI',
      'Số hồ sơ: KN26-00042',
      'Thời điểm tiếp nhận: 09:15 ngày 30/11/2026',
      'Kênh tiếp nhận: Thư bưu chính',
      'Khôi phục tên miền ngay',
      'trước 24:00 ngày 07/12/2026 (5 ngày làm việc',
      '24:00 ngày 28/12/2026 (không quá 20 ngày làm việc',
      'Lê Thu Hà',
      'Đà Nẵng',
    ]) {
      expect(flat).toContain(s);
    }
  });
});
