import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pagesToPdf, renderPage, sampleLetter, startTestStack, waitFor, type TestResponse, type TestStack } from '@cg/testing';

const run = promisify(execFile);

/** A multipart body of scans in the field "files". */
function form(...files: { name: string; bytes: Buffer; type?: string }[]): FormData {
  const fd = new FormData();
  for (const f of files) fd.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return fd;
}

/** A one-page PDF whose page tree claims `pages` pages (a "PDF bomb" by page count), of the given size in points. */
function pdfClaiming(pages: number, size = [595, 842]): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [3 0 R] /Count ${pages} >>`,
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${size[0]} ${size[1]}] >>`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

describe('postal letters: upload, OCR in the worker, clerk confirms, a case is made', () => {
  let stack: TestStack;
  let clerk: string;
  let scratch: string;
  const letter = sampleLetter(0);
  // One short page keeps the OCR part of the suite fast (long quality runs are bench:ocr).
  const shortPage = (lines: string[], seed = 1) => renderPage(lines, { dpi: 200, font: 'DejaVu Serif', heightInches: 3.2, seed });
  let png: Buffer;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cg-postal-test-'));
    // An SMTP sink of the stack's own: a letter with an e-mail address gets its receipt slip by mail too.
    stack = await startTestStack({
      smtp: true,
      env: { POSTAL_STORE_DIR: join(scratch, 'scans'), POSTAL_MAX_PAGES: '5', OCR_PARALLEL_PAGES: '2' },
    });
    clerk = await stack.tokenFor('postal_clerk');
    png = await shortPage(letter.pages[0]!.slice(8, 14));
  });
  afterAll(async () => {
    await stack?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const upload = (fd: FormData, token = clerk) => stack.api('/api/v1/postal/letters', { method: 'POST', token, body: fd });
  const read = (id: string) =>
    waitFor(
      `letter ${id} to be read`,
      async () => {
        const res = await stack.api(`/api/v1/postal/letters/${id}`, { token: clerk });
        return res.body?.status === 'ocr_done' || res.body?.status === 'ocr_failed' ? (res.body as LetterView) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  type LetterView = {
    id: string;
    status: string;
    text: string;
    pages: { page: number; image: string | null; text: string; confidence: number | null; error: { code: string } | null }[];
    fields: Record<string, { value: string; lowConfidence: boolean }>;
    failure?: { code: string; message: string };
    caseNumber?: string;
  };
  const problemFields = (res: TestResponse) => (res.body.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`);

  it('reads a PNG scan with its diacritics, prefills the fields, and a confirmed letter becomes a postal case', async () => {
    const res = await upload(form({ name: 'thu-khieu-nai.png', bytes: png }));
    expect(res.status).toBe(201);
    expect(res.body.letters).toHaveLength(1);
    const uploaded = res.body.letters[0];
    expect(uploaded).toMatchObject({ status: 'ocr_pending', duplicate: false, contentType: 'image/png', pageCount: 1, field: 'files[0]' });

    const view = await read(uploaded.id);
    expect(view.status).toBe('ocr_done');
    expect(view.text).toContain('khiếu nại');
    expect(view.text).toContain('Tên miền');
    expect(view.text).toContain(letter.fields.domain);
    expect(view.pages[0]!.confidence).toBeGreaterThan(70);
    expect(view.fields.senderName?.value).toBe(letter.fields.senderName);
    expect(view.fields.domain?.value).toBe(letter.fields.domain);

    const image = await stack.api(view.pages[0]!.image!, { token: clerk });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const scan = await stack.api(`/api/v1/postal/letters/${view.id}/scan`, { token: clerk });
    expect(scan.raw.equals(png)).toBe(true);

    const listed = await stack.api('/api/v1/postal/letters', { token: clerk });
    expect(listed.body.items.map((l: { id: string }) => l.id)).toContain(view.id);

    const confirm = {
      text: view.text.replace('khiếu nại', 'khiếu nại'),
      fields: {
        senderName: letter.fields.senderName,
        email: letter.fields.email,
        domain: letter.fields.domain,
        customerId: letter.fields.customerId,
      },
    };
    const first = await stack.api(`/api/v1/postal/letters/${view.id}/confirm`, { method: 'POST', token: clerk, json: confirm });
    expect(first.status).toBe(201);
    expect(first.body.caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    const again = await stack.api(`/api/v1/postal/letters/${view.id}/confirm`, { method: 'POST', token: clerk, json: confirm });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseNumber: first.body.caseNumber, duplicate: true });

    const kase = await waitFor(
      'the postal case',
      async () => {
        const r = await stack.api(`/api/v1/cases/${first.body.caseNumber}`, { token: clerk });
        return r.status === 200 ? r.body : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(kase).toMatchObject({ channel: 'postal', customer: { name: letter.fields.senderName, email: letter.fields.email } });
    expect(kase.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    expect(kase.journal[0].actor).toMatchObject({ kind: 'staff', role: 'postal_clerk' });
    const after = await stack.api(`/api/v1/postal/letters/${view.id}`, { token: clerk });
    expect(after.body).toMatchObject({ status: 'confirmed', caseNumber: first.body.caseNumber, toVerify: false });

    const receipt = await stack.api(`/api/v1/postal/letters/${view.id}/receipt.pdf`, { token: clerk });
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    const slip = join(scratch, 'receipt.pdf');
    await writeFile(slip, receipt.raw);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', slip, '-']);
    expect(stdout).toContain(first.body.caseNumber);
    expect(stdout).toContain(letter.fields.senderName);

    // The letter gives an e-mail address: the same slip goes there as a PDF, once, journalled on the case.
    const mail = await waitFor('the e-mailed receipt', () => stack.smtp.to(letter.fields.email)[0], { timeoutMs: 20_000 });
    expect(mail.parsed.subject).toContain(first.body.caseNumber);
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`phieu-tiep-nhan-${first.body.caseNumber}.pdf`, 'application/pdf'],
    ]);
    const mailed = join(scratch, 'mailed-receipt.pdf');
    await writeFile(mailed, mail.parsed.attachments[0]!.content);
    const mailedText = (await run('pdftotext', ['-enc', 'UTF-8', mailed, '-'])).stdout;
    expect(mailedText).toContain(first.body.caseNumber);
    expect(mailedText).toContain(letter.fields.senderName);
    const journal = await waitFor('the receipt mail on the case journal', async () => {
      const r = await stack.api(`/api/v1/cases/${first.body.caseNumber}`, { token: clerk });
      const entries = r.body.journal as { type: string; data?: { kind?: string } }[];
      return entries.some((j) => j.type === 'email_sent') ? entries : undefined;
    });
    expect(journal.filter((j) => j.type === 'email_sent').map((j) => j.data?.kind)).toEqual(['receipt']);
    expect(stack.smtp.to(letter.fields.email)).toHaveLength(1);
  });

  it('reads a two-page PDF page by page, and the same scan uploaded twice is one letter', async () => {
    const two = sampleLetter(3, { twoPages: true });
    const pages = [await shortPage(two.pages[0]!.slice(5, 10), 2), await shortPage(two.pages[1]!.slice(2, 7), 3)];
    const pdf = await pagesToPdf(pages, 200);
    const first = await upload(form({ name: 'letter.pdf', bytes: pdf }));
    expect(first.status).toBe(201);
    const id = first.body.letters[0].id as string;
    const again = await upload(form({ name: 'same-letter-renamed.pdf', bytes: pdf }));
    expect(again.status).toBe(200);
    expect(again.body.letters[0]).toMatchObject({ id, duplicate: true });
    expect(await stack.db.postalLetters.model.countDocuments({ sha256: first.body.letters[0].sha256 })).toBe(1);

    const view = await read(id);
    expect(view.status).toBe('ocr_done');
    expect(view.pages).toHaveLength(2);
    expect(view.pages[0]!.text).toContain('ĐƠN KHIẾU NẠI');
    expect(view.pages[1]!.text).toContain('hóa đơn');
    expect(view.pages.every((p) => p.image)).toBe(true);
  });

  it('refuses bad files with a 4xx problem naming each one, and stores nothing of the batch', async () => {
    const truncated = png.subarray(0, Math.floor(png.length / 2));
    const res = await upload(
      form(
        { name: 'ok.png', bytes: png },
        { name: 'notes.png', bytes: Buffer.from('these are not the scans you are looking for') },
        { name: 'cut.png', bytes: truncated },
        { name: 'bomb.pdf', bytes: pdfClaiming(10_000) },
        { name: 'huge-page.pdf', bytes: pdfClaiming(1, [14_400, 14_400]) },
      ),
    );
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(problemFields(res)).toEqual([
      'files[1]:unsupported_type',
      'files[2]:truncated',
      'files[3]:too_many_pages',
      'files[4]:page_too_large',
    ]);
    expect(res.body.errors[1].message).toContain('cut.png');

    const plain = await writeFile(join(scratch, 'plain.pdf'), await pagesToPdf([png], 200)).then(() => join(scratch, 'plain.pdf'));
    const locked = join(scratch, 'locked.pdf');
    await run('qpdf', ['--encrypt', 'secret', 'owner-secret', '256', '--', plain, locked]);
    const encrypted = await upload(form({ name: 'locked.pdf', bytes: await readFile(locked) }));
    expect(encrypted.status).toBe(422);
    expect(problemFields(encrypted)).toEqual(['files[0]:encrypted']);

    const none = await stack.api('/api/v1/postal/letters', { method: 'POST', token: clerk, json: { file: 'x' } });
    expect(none.status).toBe(415);
  });

  it('marks a blank page failed with the reason, and the clerk can reject it', async () => {
    const blank = await renderPage([], { dpi: 150, font: 'DejaVu Serif', heightInches: 2, noise: 2, seed: 9 });
    const res = await upload(form({ name: 'blank.png', bytes: blank }));
    expect(res.status).toBe(201);
    const view = await read(res.body.letters[0].id);
    expect(view.status).toBe('ocr_failed');
    expect(view.failure).toMatchObject({ code: 'no_text' });
    expect(view.pages[0]!.error).toMatchObject({ code: 'empty' });

    const noReason = await stack.api(`/api/v1/postal/letters/${view.id}/reject`, { method: 'POST', token: clerk, json: {} });
    expect(noReason.status).toBe(400);
    expect(problemFields(noReason)).toEqual(['reason:invalid_type']);
    const rejected = await stack.api(`/api/v1/postal/letters/${view.id}/reject`, {
      method: 'POST',
      token: clerk,
      json: { reason: 'trang trắng, không phải thư khiếu nại' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection: { reason: 'trang trắng, không phải thư khiếu nại' } });
    const confirm = await stack.api(`/api/v1/postal/letters/${view.id}/confirm`, {
      method: 'POST',
      token: clerk,
      json: { text: 'nội dung thư' },
    });
    expect(confirm.status).toBe(409);
  });

  it('lets only postal clerks (and admins) upload and verify', async () => {
    const operator = await stack.tokenFor('hotline_operator');
    expect((await upload(form({ name: 'a.png', bytes: png }), operator)).status).toBe(403);
    expect((await stack.api('/api/v1/postal/letters', { token: operator })).status).toBe(403);
    expect((await stack.api('/api/v1/postal/letters', { method: 'POST', body: form({ name: 'a.png', bytes: png }) })).status).toBe(401);
    const admin = await stack.tokenFor('admin');
    expect((await stack.api('/api/v1/postal/letters?status=all', { token: admin })).status).toBe(200);
  });
});
