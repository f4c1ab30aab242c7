import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StaffRole } from '@cg/contracts';
import { launchChromium, startTestStack, TEST_ARTIFACTS_DIR, TEST_PASSWORD, type TestStack } from '@cg/testing';

/**
 * Path (c) of the procedure in real Chromium: a livechat complaint answered in the chat. The
 * customer opens /chat and writes the complaint (and gets its case number); customer support
 * talks to them from the console's livechat screen, verifies the case (by chat), the department
 * claims it and reports; customer support drafts the answer (a chat answer needs no sign-off) and
 * delivers it: the worker posts it in the conversation, where the customer reads it; the case is
 * closed with its root cause. Screenshots in test-artifacts/.
 */
jest.setTimeout(240_000);

const DEPARTMENT = 'hosting';

describe('a livechat complaint answered in the chat (Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.tokenFor('cs_agent');
    await stack.tokenFor('department_staff', DEPARTMENT);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    context.setDefaultTimeout(20_000);
    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(TEST_ARTIFACTS_DIR, `livechat-procedure-${name}.png`), fullPage });

  async function signIn(role: StaffRole, department?: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${role}: ${e.message}`));
    await page.goto(`${stack.url}/console/`);
    await page.fill('#login-form [name=email]', `${role}.${department ?? 'all'}@test.local`);
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#who-name');
    return page;
  }

  async function openCase(page: Page, caseNumber: string): Promise<void> {
    await page.click('#tab-cases');
    await page.fill('#find-case [name=caseNumber]', caseNumber);
    await page.click('#find-case button[type=submit]');
    await page.waitForSelector(`#case-title:has-text("${caseNumber}")`);
  }

  const unfold = (page: Page, action: string) =>
    page.locator(`details[data-action="${action}"]`).evaluate((d) => ((d as unknown as { open: boolean }).open = true));
  const journalEntry = (page: Page, type: string) => page.locator(`#journal tbody tr[data-type="${type}"]`).first();

  it('customer writes in /chat, the agent answers there, the case is verified, handled, answered in the chat and closed with its root cause', async () => {
    // The customer opens the chat page and writes the complaint.
    const customer = await context.newPage();
    customer.on('pageerror', (e) => problems.push(`customer: ${e.message}`));
    await customer.goto(`${stack.url}/chat`);
    const form = customer.getByTestId('prechat-form');
    await form.locator('input[name=name]').fill('Lê Thị Mai');
    await form.locator('input[name=phone]').fill('0987 654 321');
    await form.locator('button[type=submit]').click();
    const complaint =
      'Hosting của tôi báo lỗi 500 từ sáng nay, website maile.vn không truy cập được, khách hàng của tôi không đặt hàng được.';
    await customer.getByTestId('message-input').fill(complaint);
    await customer.getByTestId('send').click();
    const caseNumber = ((await customer.getByTestId('case-number').textContent()) ?? '').trim();
    expect(caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    await shot(customer, '01-customer-complaint');

    // Customer support answers in the console's livechat screen.
    const agent = await signIn('cs_agent');
    await agent.click('#tab-livechat');
    await agent.getByTestId('conversations').locator('li', { hasText: 'Lê Thị Mai' }).click();
    await agent.getByTestId('agent-messages').locator('li', { hasText: 'maile.vn' }).waitFor();
    await agent.getByTestId('agent-case').filter({ hasText: caseNumber }).waitFor();
    const hello = 'Chào chị Mai, em đã nhận khiếu nại và chuyển bộ phận Hosting kiểm tra ngay ạ.';
    await agent.getByTestId('agent-input').fill(hello);
    await agent.getByTestId('agent-send').click();
    await customer.locator('.lc-msg[data-kind="agent"]').filter({ hasText: hello }).waitFor();
    await shot(agent, '02-agent-livechat');

    // Step 2: verified with the customer (in the chat), in the right department.
    await openCase(agent, caseNumber);
    await unfold(agent, 'verify');
    await agent.selectOption('#act-verify-how', 'chat');
    await agent.fill('#act-verify-customerRequest', 'Khôi phục website maile.vn.');
    await agent.click('#act-verify button[type=submit]');
    await journalEntry(agent, 'verified').waitFor();
    if ((await stack.db.cases.findByCaseNumber(caseNumber))!.department !== DEPARTMENT) {
      await unfold(agent, 'reclassify');
      await agent.selectOption('#act-reclassify-department', DEPARTMENT);
      await agent.click('#act-reclassify button[type=submit]');
      await journalEntry(agent, 'reclassified').waitFor();
    }

    // Step 3: the department claims it and reports its findings.
    const staff = await signIn('department_staff', DEPARTMENT);
    await openCase(staff, caseNumber);
    await staff.click('#act-claim button[type=submit]');
    await journalEntry(staff, 'claimed').waitFor();
    await staff.fill('#act-report-findings', 'Tiến trình PHP-FPM của gói hosting bị treo sau bản cập nhật đêm qua.');
    await staff.fill('#act-report-cause', 'Bản cập nhật PHP lỗi.');
    await staff.fill('#act-report-remedy', 'Đã khởi động lại PHP-FPM và cố định phiên bản; website hoạt động lại.');
    await staff.click('#act-report button[type=submit]');
    await journalEntry(staff, 'resolution_reported').waitFor();
    await shot(staff, '03-department-reported', true);

    // Step 4: customer support drafts the answer (a chat answer: no sign-off) and delivers it in the chat.
    await openCase(agent, caseNumber);
    const answer = 'Chào chị Mai, website maile.vn đã hoạt động lại: lỗi do bản cập nhật PHP, chúng tôi đã khắc phục và theo dõi thêm.';
    await agent.fill('#act-draft-text', answer);
    await agent.click('#act-draft button[type=submit]');
    await journalEntry(agent, 'answer_drafted').waitFor();
    await agent.click('#act-deliver button[type=submit]');
    await journalEntry(agent, 'answer_delivered').waitFor();
    // The customer reads the answer in the chat.
    await customer
      .locator('.lc-msg[data-kind="agent"]')
      .filter({ hasText: 'website maile.vn đã hoạt động lại' })
      .waitFor({ timeout: 30_000 });
    await shot(customer, '04-customer-reads-answer');
    await journalEntry(agent, 'answer_sent').waitFor({ timeout: 30_000 });

    // Step 5: closed with the root cause and the lesson learned.
    await agent.selectOption('#act-close-rootCause', 'our_system_fault');
    await agent.fill('#act-close-lessonLearned', 'Thử bản cập nhật PHP trên máy chủ thử trước khi triển khai.');
    await agent.check('#act-close [name=customerAccepted][value=yes]');
    await agent.click('#act-close button[type=submit]');
    await journalEntry(agent, 'closed').waitFor();
    await shot(agent, '05-agent-closed', true);

    const c = (await stack.db.cases.findByCaseNumber(caseNumber))!;
    expect(c.status).toBe('closed');
    expect(c.rootCause).toMatchObject({ category: 'our_system_fault', customerAccepted: true });
    expect(c.answer?.delivery).toMatchObject({ via: 'livechat', status: 'sent' });
    const types = c.journal.map((j) => j.type);
    for (const t of [
      'received',
      'verified',
      'claimed',
      'resolution_reported',
      'answer_drafted',
      'answer_delivered',
      'answer_sent',
      'closed',
    ])
      expect(types).toContain(t);
    expect(problems).toEqual([]);
  });
});
