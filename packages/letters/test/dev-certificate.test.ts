// The development certificate (outside production without a company one): generated once, reused,
// and a letter signed with it verifies with poppler's pdfsig and names itself DEVELOPMENT ONLY.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEVELOPMENT_CERTIFICATE_NAME, loadOrCreateDevelopmentCertificate, renderAnswerLetter, signPdf } from '@cg/letters';

const run = promisify(execFile);

describe('development signing certificate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-devcert-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('is generated once into its path, then reused', async () => {
    const path = join(dir, 'nested', 'dev.p12');
    const first = loadOrCreateDevelopmentCertificate(path);
    const second = loadOrCreateDevelopmentCertificate(path);
    expect(second.p12.equals(first.p12)).toBe(true);
    expect((await readFile(path)).equals(first.p12)).toBe(true);
  });

  it('signs a letter that pdfsig reports valid, naming itself DEVELOPMENT ONLY', async () => {
    const cert = loadOrCreateDevelopmentCertificate(join(dir, 'dev.p12'));
    const pdf = await renderAnswerLetter({
      company: { name: 'Công ty Thử', address: 'Hà Nội', hotline: '024.0000.0000', email: 'cskh@example.vn' },
      caseNumber: 'KN26-00007',
      receivedAt: '2026-12-01',
      answeredAt: '2026-12-03',
      customer: { name: 'Lê Văn Minh' },
      complaintSummary: 'Email không nhận được thư.',
      findings: 'Bản ghi MX sai.',
      cause: 'Cấu hình DNS.',
      remedy: 'Đã sửa bản ghi MX.',
      signer: { name: 'Phạm Thu Trang', title: 'Trưởng bộ phận Chăm sóc khách hàng' },
    });
    const signed = await signPdf(pdf, {
      ...cert,
      reason: 'Trả lời khiếu nại KN26-00007',
      location: 'Hà Nội',
      signerName: 'Phạm Thu Trang',
    });
    const file = join(dir, 'signed.pdf');
    await writeFile(file, signed);
    const { stdout } = await run('pdfsig', [file]);
    expect(stdout).toContain('Signature Validation: Signature is Valid.');
    expect(stdout).toContain(`Signer Certificate Common Name: ${DEVELOPMENT_CERTIFICATE_NAME}`);
  });
});
