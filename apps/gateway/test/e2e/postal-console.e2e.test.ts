import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  launchChromium,
  pagesToPdf,
  renderPage,
  sampleLetter,
  startTestStack,
  TEST_ARTIFACTS_DIR,
  TEST_PASSWORD,
  waitFor,
  type TestStack,
} from '@cg/testing';

/**
 * The postal clerk's screens in real Chromium against the real gateway and workers (OCR in the
 * worker, tesseract): a clean scan and a two-page PDF are uploaded with the file picker, read,
 * one is corrected and confirmed into a case (its number, the receipt slip); the same scan again
 * is "already uploaded"; a broken file dropped on the zone is refused with the server's reason.
 */
jest.setTimeout(240_000);

describe('postal letters in the console (Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let scratch: string;
  const problems: string[] = [];
  const letter = sampleLetter(1);
  const two = sampleLetter(2, { twoPages: true });
  // Short pages keep OCR quick (quality is bench:ocr's business); the same generator as the postal API tests.
  const shortPage = (lines: string[], seed: number) => renderPage(lines, { dpi: 200, font: 'DejaVu Serif', heightInches: 3.2, seed });
  let png: Buffer;
  let pdf: Buffer;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cg-postal-e2e-'));
    stack = await startTestStack({ smtp: true, env: { POSTAL_STORE_DIR: join(scratch, 'scans'), OCR_PARALLEL_PAGES: '2' } });
    await stack.tokenFor('postal_clerk');
    png = await shortPage(letter.pages[0]!.slice(8, 14), 11);
    pdf = await pagesToPdf([await shortPage(two.pages[0]!.slice(5, 10), 12), await shortPage(two.pages[1]!.slice(2, 7), 13)], 200);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 1000 }, acceptDownloads: true });
    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: join(TEST_ARTIFACTS_DIR, `postal-${name}.png`), fullPage: true });
  const row = (page: Page, fileName: string) => page.locator('#letter-table tbody tr', { has: page.locator(`a:text-is("${fileName}")`) });

  it('uploads, reads, corrects and confirms a letter; a repeat is "already uploaded"; a broken file is refused', async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    // Refused uploads (422 on purpose) log "Failed to load resource"; script errors are what count.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));

    await page.goto(`${stack.url}/console/postal`);
    await page.fill('#login-form [name=email]', 'postal_clerk.all@test.local');
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#tab-postal[aria-current=page]');

    // A batch through the file picker: each file its own progress and result.
    await page.setInputFiles('#scan-files', [
      { name: 'thu-khieu-nai.png', mimeType: 'image/png', buffer: png },
      { name: 'don-hai-trang.pdf', mimeType: 'application/pdf', buffer: pdf },
    ]);
    await page.locator('#upload-list li[data-state=stored]').nth(1).waitFor();
    expect(await page.locator('#upload-list li[data-state=stored]').count()).toBe(2);

    // The list follows the worker without a reload: OCR running → ready to verify.
    await row(page, 'thu-khieu-nai.png').and(page.locator('[data-status=ocr_done]')).waitFor({ timeout: 120_000 });
    await row(page, 'don-hai-trang.pdf').and(page.locator('[data-status=ocr_done]')).waitFor({ timeout: 120_000 });
    expect(await row(page, 'thu-khieu-nai.png').textContent()).toContain('Ready to verify');
    await shot(page, 'letters-to-verify');

    // The two-page PDF: both pages shown beside the text.
    await row(page, 'don-hai-trang.pdf').locator('a').click();
    await page.waitForSelector('#confirm-form');
    await expect(page.locator('figure.scan-page').count()).resolves.toBe(2);
    await page.locator('figure.scan-page img').nth(1).waitFor();
    expect(await page.inputValue('#letter-text')).toContain('ĐƠN KHIẾU NẠI');
    await shot(page, 'two-pages');
    await page.getByRole('link', { name: '← Back to the letters' }).click();

    // The clean scan: page image, recognised text with diacritics, prefilled fields; the clerk corrects one.
    await row(page, 'thu-khieu-nai.png').locator('a').click();
    await page.waitForSelector('#confirm-form');
    await page.locator('figure.scan-page img').waitFor();
    expect(
      await page.locator('figure.scan-page img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
    ).toBeGreaterThan(100);
    expect(await page.inputValue('#letter-text')).toContain('Tên miền');
    expect(await page.inputValue('#letter-domain')).toBe(letter.fields.domain);
    const corrected = `${letter.fields.senderName} (đã sửa)`;
    await page.getByLabel('Sender name').fill(corrected);
    await page.getByLabel('What the customer asks for', { exact: false }).fill('Khôi phục tên miền và bồi thường thiệt hại.');
    await shot(page, 'verify');
    await page.getByRole('button', { name: 'Confirm: create the case' }).click();
    const caseNumber = (await page.locator('#case-number').textContent())!;
    expect(caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    await expect(page.locator('#case-link').getAttribute('href')).resolves.toBe(`/console/cases/${caseNumber}`);
    await shot(page, 'confirmed');

    // The receipt slip (PDF) to print, and the case made from the corrected letter.
    const download = page.waitForEvent('download');
    await page.click('#receipt-download');
    expect((await download).suggestedFilename()).toBe(`phieu-tiep-nhan-${caseNumber}.pdf`);
    const clerk = await stack.tokenFor('postal_clerk');
    const kase = await waitFor('the case', async () => {
      const r = await stack.api(`/api/v1/cases/${caseNumber}`, { token: clerk });
      return r.status === 200 ? r.body : undefined;
    });
    expect(kase).toMatchObject({ channel: 'postal', customer: { name: corrected } });
    // The letter gives an e-mail address: the slip went there too.
    const mailed = await waitFor('the e-mailed receipt', () => stack.smtp.to(letter.fields.email)[0], { timeoutMs: 30_000 });
    expect(mailed.parsed.attachments.map((a) => a.filename)).toEqual([`phieu-tiep-nhan-${caseNumber}.pdf`]);

    // The same scan again: one letter, named with its case.
    await page.getByRole('link', { name: '← Back to the letters' }).click();
    await page.setInputFiles('#scan-files', [{ name: 'thu-khieu-nai-lan-2.png', mimeType: 'image/png', buffer: png }]);
    const repeat = page.locator('#upload-list li[data-state=duplicate]');
    await repeat.waitFor();
    expect(await repeat.textContent()).toMatch(new RegExp(`Already uploaded: letter “thu-khieu-nai\\.png”.*case ${caseNumber}`));

    // A broken file dropped on the zone: the server's reason, naming the file.
    const dropped = await page.evaluateHandle(() => {
      // Runs in the page (the tests' type-check has no DOM library).
      const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
      const dt = new DataTransfer();
      dt.items.add(new File(['%PDF-1.7\n1 0 obj\n<< /Type /Catalog'], 'hong.pdf', { type: 'application/pdf' }));
      return dt;
    });
    await page.dispatchEvent('#scan-drop', 'drop', { dataTransfer: dropped });
    const refused = page.locator('#upload-list li[data-state=refused] [role=alert]');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/^Scan refused: hong\.pdf: .+/);
    await shot(page, 'uploads');
    expect(problems).toEqual([]);
  });
});
