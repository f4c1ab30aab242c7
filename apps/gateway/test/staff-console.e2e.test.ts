import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, TEST_ARTIFACTS_DIR, startTestStack, TEST_PASSWORD, type TestStack, waitFor } from '@cg/testing';
import { TestVisitor } from './support/livechat-clients';

/** The staff console in real Chromium: an operator logs a call, an agent triages it. */
describe('staff console (Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.tokenFor('hotline_operator');
    await stack.tokenFor('cs_agent');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack.close();
  });

  it('logs a call, shows the case number, and lets an agent move a triage case to a department', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // Failed requests are expected (the wrong password answers 401); script errors are not.
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));

    await page.goto(stack.url + '/');
    await page.fill('#login-form [name=email]', 'hotline_operator.all@test.local');
    await page.fill('#login-form [name=password]', 'wrong password');
    await page.click('#login-form button');
    await page.waitForSelector('#login-error:has-text("Wrong e-mail or password")');
    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'staff-console-sign-in.png') });
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.click('#tab-call');
    await page.fill('#call-form [name=name]', 'Đặng Thu <b>Trang</b>');
    await page.fill('#call-form [name=phone]', '0913 555 777');
    await page.fill('#call-form [name=notes]', 'Vấn đề hôm qua vẫn chưa xong, nhờ kiểm tra lại giúp.');
    await page.click('#call-form button');
    const receipt = await page.waitForSelector('#call-result:has-text("KN")');
    const caseNumber = /KN\d{2}-\d{5,}/.exec((await receipt.textContent()) ?? '')![0];
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'staff-console-hotline.png') });

    await page.click('#logout');
    await page.fill('#login-form [name=email]', 'cs_agent.all@test.local');
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.selectOption('#filters [name=department]', 'triage');
    // The worker routes the case within moments; filter until it shows up.
    await expect(
      (async () => {
        for (let i = 0; i < 100; i++) {
          await page.click('#filters button');
          if (await page.locator(`#case-table a:text-is("${caseNumber}")`).count()) return true;
          await page.waitForTimeout(100);
        }
        return false;
      })(),
    ).resolves.toBe(true);
    await page.click(`#case-table a:text-is("${caseNumber}")`);
    await page.waitForSelector('#case-detail h3');
    // Customer text is shown as text, never as markup.
    expect(await page.locator('#case-detail b').count()).toBe(0);
    expect(await page.textContent('#case-detail')).toContain('Đặng Thu <b>Trang</b>');

    await page.selectOption('#case-detail select', 'customer_care');
    await page.click('#case-detail button:text-is("Move")');
    await page.waitForSelector('#journal tr:has-text("Department corrected from triage to customer_care")');
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'staff-console.png'), fullPage: true });

    // The deadline calculator explains the days it does not count (here: the Reunification and Labour Day break).
    await page.click('#tab-deadline');
    await page.fill('#deadline-form [name=receivedAt]', '2026-04-29T10:00');
    await page.click('#deadline-form button');
    await page.waitForSelector('#deadline-result p:has-text("Answer due")');
    expect(await page.locator('#deadline-result li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'staff-console-deadline.png') });
    expect(problems).toEqual([]);
  }, 60_000);

  it('the livechat screen of the console answers a visitor (the old agents’ address leads there)', async () => {
    const visitor = await TestVisitor.start(stack.url, { name: 'Trần Văn Bình', email: 'binh.tran@example.vn' });
    visitor.connect();
    await visitor.connected();
    const complaint = 'Hosting của tôi báo lỗi 500 từ sáng nay, khách hàng không vào được website.';
    await visitor.send(complaint);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${stack.url}/livechat/agent`);
    expect(new URL(page.url()).pathname).toBe('/console/livechat');
    await page.fill('#login-form [name=email]', 'cs_agent.all@test.local');
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    // Signed in, the agent stays on the livechat screen and the visitor sees an agent online.
    await page.locator('[data-testid=conversations] li', { hasText: 'Trần Văn Bình' }).click();
    await page.locator('[data-testid=agent-messages] li', { hasText: 'lỗi 500' }).waitFor();
    await waitFor('the visitor to see an agent online', () => visitor.eventsOf<{ agentsOnline: boolean }>('presence').at(-1)?.agentsOnline);

    // The answer box has the focus after opening the conversation; Enter sends.
    const answer = 'Chào anh Bình, bộ phận Hosting đang kiểm tra máy chủ của anh ạ.';
    await page.keyboard.type(answer);
    await page.keyboard.press('Enter');
    await waitFor('the answer at the visitor', () =>
      [...visitor.messages.values()].some((m) => m.sender.kind === 'agent' && m.text === answer),
    );
    await page.locator('[data-testid=agent-messages] li[data-kind=agent]', { hasText: answer }).waitFor();
    expect(await page.locator('[data-testid=agent-messages] li', { hasText: answer }).count()).toBe(1);
    // The case number links to the case in the console.
    const caseLink = page.getByTestId('agent-case');
    await caseLink.waitFor();
    expect(await caseLink.textContent()).toMatch(/^KN\d{2}-\d{5,}$/);
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'staff-console-livechat.png') });
    await caseLink.click();
    await page.waitForSelector('#case-detail h3');
    expect(new URL(page.url()).pathname).toMatch(/^\/console\/cases\/KN\d{2}-\d{5,}$/);

    visitor.close();
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
