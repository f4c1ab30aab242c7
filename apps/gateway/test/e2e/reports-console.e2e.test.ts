import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { launchChromium, TEST_ARTIFACTS_DIR, startTestStack, TEST_PASSWORD, waitFor, type TestStack } from '@cg/testing';

/** The reports screen in real Chromium: a supervisor opens it, reads a chart's text and a table, downloads a CSV. */
describe('reports console (Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.tokenFor('supervisor');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('shows the tables with captions, charts with a text alternative, and a CSV per table', async () => {
    const operator = await stack.tokenFor('hotline_operator');
    for (const notes of ['Hosting báo lỗi 500, website không truy cập được.', 'Hóa đơn bị tính tiền hai lần.']) {
      const res = await stack.api('/api/v1/hotline/calls', {
        method: 'POST',
        token: operator,
        json: { caller: { name: 'Lê Hà', phone: '0913000333' }, notes, callId: `e2e-${randomUUID()}` },
      });
      expect(res.status).toBe(202);
      await waitFor(`case ${res.body.caseNumber}`, async () => {
        const r = await stack.api(`/api/v1/cases/${res.body.caseNumber}`, { token: operator });
        return r.status === 200 ? r.body : undefined;
      });
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
    await page.goto(stack.url + '/');
    await page.fill('#login-form [name=email]', 'supervisor.all@test.local');
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.click('#tab-reports');
    await page.waitForSelector('#report-summary:has-text("2 cases received")');

    // The chart's accessible name reads every bar; the table beside it has a caption.
    const chart = page.locator('#report-volume-by-channel canvas[role=img]');
    expect(await chart.getAttribute('aria-label')).toBe('Cases by channel: hotline 2, email 0, livechat 0, postal 0.');
    expect(await chart.getAttribute('aria-describedby')).toBe('t-channel');
    expect(await page.locator('#t-channel caption').textContent()).toBe('Cases received, by channel');
    expect(await page.locator('#t-channel tbody tr').first().textContent()).toBe('hotline2');
    expect(await page.locator('table caption').count()).toBe(9);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-volume-by-channel-csv')]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n').slice(0, 2)).toEqual(['\uFEFF"channel","cases"', '"hotline","2"']);

    // A reversed range: the field is named beside its input.
    await page.fill('#report-range [name=from]', '2026-03-10');
    await page.fill('#report-range [name=to]', '2026-03-01');
    await page.click('#report-range button[type=submit]');
    await page.waitForSelector('#report-to-error:has-text("must not be before from")');

    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'reports-console.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
