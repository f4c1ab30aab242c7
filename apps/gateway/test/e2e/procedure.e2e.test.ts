import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StaffRole } from '@cg/contracts';
import { launchChromium, startTestStack, TEST_ARTIFACTS_DIR, TEST_PASSWORD, type TestStack } from '@cg/testing';

/**
 * Steps 2–5 of the complaint procedure in the staff console, in real Chromium against the real
 * gateway and workers: a hotline complaint is verified by customer support, claimed, noted and
 * reported by its department, answered in writing (a supervisor returns the draft once, then
 * signs it off), delivered by an operator's callback, closed with a root cause, reopened by the
 * operator and closed again. Each role works in its own tab (sessions are per tab), signed in
 * in turn, and sees the others' work arrive without reloading.
 */
jest.setTimeout(240_000);

const DEPARTMENT = 'domain';

describe('the complaint procedure in the console (Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    // One account per role the procedure needs (emails <role>.<department|all>@test.local).
    await stack.tokenFor('hotline_operator');
    await stack.tokenFor('cs_agent');
    await stack.tokenFor('department_staff', DEPARTMENT);
    await stack.tokenFor('supervisor');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  const shot = (page: Page, name: string, fullPage = false) =>
    page.screenshot({ path: join(TEST_ARTIFACTS_DIR, `procedure-${name}.png`), fullPage });

  async function signIn(role: StaffRole, department?: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${role}: ${e.message}`));
    // Refused requests (400/409 on purpose) log "Failed to load resource"; script errors are what count.
    page.on(
      'console',
      (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${role}: ${m.text()}`),
    );
    await page.goto(`${stack.url}/console/`);
    await page.fill('#login-form [name=email]', `${role}.${department ?? 'all'}@test.local`);
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#who-name');
    return page;
  }

  /** Opens the work list and, once the case shows up in it (live, no reload), the case. */
  async function openFromList(page: Page, list: string, caseNumber: string): Promise<void> {
    await page.click('#tab-cases');
    await page.click(`#list-${list}`);
    const link = page.locator(`#case-table a:text-is("${caseNumber}")`);
    await link.waitFor({ timeout: 20_000 });
    await link.click();
    await page.waitForSelector(`#case-title:has-text("${caseNumber}")`);
  }

  /** Unfolds an action's form (some start open: the step the case waits for). */
  async function unfold(page: Page, action: string): Promise<void> {
    await page.locator(`details[data-action="${action}"]`).evaluate((d) => ((d as unknown as { open: boolean }).open = true));
  }

  const journalTypes = (page: Page) =>
    page.locator('#journal tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
  const journalEntry = (page: Page, type: string, nth = 0) => page.locator(`#journal tbody tr[data-type="${type}"]`).nth(nth);

  it('walks a hotline complaint from verification to close, reopen and close again; every role sees new work live', async () => {
    // Customer support is signed in before the call arrives, on its "to verify" list.
    const agent = await signIn('cs_agent');
    await agent.click('#list-to-verify');
    await agent.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    // The operator logs the call. The operator's home is the callbacks list.
    const operator = await signIn('hotline_operator');
    expect(await operator.getAttribute('#list-callbacks', 'aria-current')).toBe('page');
    await operator.click('#tab-call');
    await operator.fill('#call-form [name=name]', 'Nguyễn Văn An');
    await operator.fill('#call-form [name=phone]', '0912 345 678');
    await operator.fill(
      '#call-form [name=notes]',
      'Tên miền anvan.vn đã hết hạn dù tôi đã gia hạn tên miền tuần trước; website không truy cập được.',
    );
    await operator.click('#call-form button');
    const receipt = await operator.waitForSelector('#call-result:has-text("KN")');
    const caseNumber = /KN\d{2}-\d{5,}/.exec((await receipt.textContent()) ?? '')![0];
    await shot(operator, '01-operator-call');

    // Live: the agent's list shows the new case without a reload.
    await agent.locator(`#case-table a:text-is("${caseNumber}")`).waitFor({ timeout: 20_000 });
    expect(await agent.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Step 2: customer support confirms the complaint with the customer.
    await agent.click(`#case-table a:text-is("${caseNumber}")`);
    await agent.waitForSelector(`#case-title:has-text("${caseNumber}")`);
    await unfold(agent, 'verify');
    await agent.selectOption('#act-verify-how', 'call');
    await agent.fill('#act-verify-customerRequest', 'Khôi phục tên miền anvan.vn và xác nhận hạn mới.');
    await agent.selectOption('#act-verify-priority', 'high');
    await agent.click('#act-verify button[type=submit]');
    await journalEntry(agent, 'verified').waitFor();
    const department = (await stack.db.cases.findByCaseNumber(caseNumber))!.department;
    if (department !== DEPARTMENT) {
      await unfold(agent, 'reclassify');
      await agent.selectOption('#act-reclassify-department', DEPARTMENT);
      await agent.click('#act-reclassify button[type=submit]');
      await journalEntry(agent, 'reclassified').waitFor();
    }
    await shot(agent, '02-agent-verified', true);

    // Step 3: the department claims it from its queue, adds an internal note, reports the result.
    const staff = await signIn('department_staff', DEPARTMENT);
    expect(await staff.getAttribute('#list-my-queue', 'aria-current')).toBe('page');
    await openFromList(staff, 'department-queue', caseNumber);
    await staff.click('#act-claim button[type=submit]');
    await journalEntry(staff, 'claimed').waitFor();

    // A supervisor's claim of the taken case is refused: the server's 409 names the state and what is allowed now.
    const supervisor = await signIn('supervisor');
    expect(await supervisor.getAttribute('#list-approvals', 'aria-current')).toBe('page');
    await openFromList(supervisor, 'all', caseNumber);
    await supervisor.click('#act-claim button[type=submit]');
    const refusal = supervisor.locator('#act-claim-message');
    await refusal.filter({ hasText: 'already claimed by Test department_staff' }).waitFor();
    expect(await refusal.textContent()).toMatch(/the case is in_progress; allowed now: .*report/);
    await unfold(staff, 'note');
    await staff.fill('#act-note-text', 'Registry chưa nhận lệnh gia hạn; đã mở ticket với VNNIC.');
    await staff.click('#act-note button[type=submit]');
    await journalEntry(staff, 'note').waitFor();
    // A report without findings: the server's message sits under the field.
    await staff.fill('#act-report-cause', 'Lệnh gia hạn bị kẹt ở hàng đợi của nhà đăng ký.');
    await staff.fill('#act-report-remedy', 'Gửi lại lệnh gia hạn; tên miền hoạt động lại.');
    await staff.click('#act-report button[type=submit]');
    await staff.waitForSelector('#act-report-findings-error:has-text("required")');
    expect(await staff.getAttribute('#act-report-findings', 'aria-invalid')).toBe('true');
    await staff.fill('#act-report-findings', 'Thanh toán đã nhận ngày 25/11 nhưng lệnh gia hạn không được gửi.');
    await staff.click('#act-report button[type=submit]');
    await journalEntry(staff, 'resolution_reported').waitFor();
    await shot(staff, '03-department-reported', true);

    // Step 4: customer support drafts a written answer (it needs a supervisor's sign-off).
    await openFromList(agent, 'to-answer', caseNumber);
    // The server's template carries the case number and the department's findings; the agent then writes their own.
    await agent.click('#act-draft button:text-is("Fill from the template")');
    await agent.waitForFunction(
      (n) =>
        (
          (globalThis as unknown as { document: { getElementById(id: string): { value: string } | null } }).document.getElementById(
            'act-draft-text',
          )?.value ?? ''
        ).includes(n),
      caseNumber,
    );
    await agent.fill('#act-draft-text', 'Kính gửi anh An, tên miền anvan.vn đã được gia hạn đến 25/11/2027.');
    await agent.check('#act-draft [name=answerInWriting]');
    await agent.click('#act-draft button[type=submit]');
    await journalEntry(agent, 'answer_drafted').waitFor();

    // The supervisor (home: approvals) returns it once with a comment...
    await openFromList(supervisor, 'approvals', caseNumber);
    await unfold(supervisor, 'return');
    await supervisor.fill('#act-return-comment', 'Thêm lời xin lỗi và hướng dẫn kiểm tra DNS.');
    await supervisor.click('#act-return button[type=submit]');
    await journalEntry(supervisor, 'answer_returned').waitFor();
    await shot(supervisor, '04-supervisor-returned', true);

    // ...customer support redrafts (the comment is shown, the text kept)...
    await agent.waitForSelector('p.returned:has-text("Thêm lời xin lỗi")');
    expect(await agent.inputValue('#act-draft-text')).toContain('anvan.vn');
    await agent.fill(
      '#act-draft-text',
      'Kính gửi anh An, chúng tôi xin lỗi vì sự bất tiện. Tên miền anvan.vn đã được gia hạn đến 25/11/2027; bản ghi DNS sẽ cập nhật trong vài giờ.',
    );
    await agent.click('#act-draft button[type=submit]');
    await journalEntry(agent, 'answer_drafted', 1).waitFor();

    // ...and the supervisor signs it off.
    await openFromList(supervisor, 'approvals', caseNumber);
    await supervisor.fill('#act-approve-comment', 'Đồng ý.');
    await supervisor.click('#act-approve button[type=submit]');
    await journalEntry(supervisor, 'answer_approved').waitFor();

    // Customer support issues the answer: for a hotline complaint, a callback task for the operators.
    await openFromList(agent, 'to-deliver', caseNumber);
    await agent.click('#act-deliver button[type=submit]');
    await journalEntry(agent, 'answer_delivered').waitFor();

    // The operator's home list, callbacks, shows the task arriving; the operator reads the answer to the customer and records the call.
    await operator.click('#tab-cases');
    const task = operator.locator(`#tasks-callbacks li[data-case="${caseNumber}"]`);
    await task.waitFor({ timeout: 20_000 });
    expect(await task.locator('pre.body').textContent()).toContain('xin lỗi');
    await shot(operator, '05-operator-callback', true);
    await task.locator('[name=outcome][value=reached]').check();
    await task.locator('textarea[name=note]').fill('Đã gọi lại cho anh An lúc 10:15, anh đã nhận thông tin.');
    await task.locator('button[type=submit]').click();
    await task.waitFor({ state: 'detached' });
    await journalEntry(agent, 'callback_outcome').waitFor(); // the agent's open case follows live

    // Step 5: customer support closes it with the root cause; the customer's agreement is required.
    await agent.locator('#case-detail dd:has-text("answered")').waitFor(); // the open case followed live
    await agent.selectOption('#act-close-rootCause', 'registry_or_provider');
    await agent.fill('#act-close-lessonLearned', 'Theo dõi lệnh gia hạn bị kẹt ở nhà đăng ký mỗi ngày.');
    await agent.click('#act-close button[type=submit]');
    await agent.waitForSelector('#act-close-customerAccepted-error:not(:empty)');
    await agent.check('#act-close [name=customerAccepted][value=yes]');
    await agent.click('#act-close button[type=submit]');
    await journalEntry(agent, 'closed').waitFor();
    await shot(agent, '06-agent-closed', true);

    // The customer calls again: the operator finds the case by its number and reopens it; the caller's phone must match.
    await operator.click('#tab-cases');
    await operator.fill('#find-case [name=caseNumber]', caseNumber.toLowerCase());
    await operator.click('#find-case button');
    await operator.waitForSelector(`#case-title:has-text("${caseNumber}")`);
    await operator.fill('#act-reopen-reason', 'Khách hàng báo email theo tên miền vẫn chưa nhận được thư.');
    await operator.fill('#act-reopen-customerPhone', '0987 000 111');
    await operator.click('#act-reopen button[type=submit]');
    await operator.waitForSelector('#act-reopen-customerPhone-error:has-text("does not match")');
    await operator.fill('#act-reopen-customerPhone', '0912 345 678');
    await operator.click('#act-reopen button[type=submit]');
    await journalEntry(operator, 'reopened').waitFor();
    await shot(operator, '07-operator-reopened', true);

    // Customer support resolves it during the call with the customer and closes it again.
    await openFromList(agent, 'reopened', caseNumber);
    await unfold(agent, 'resolve-on-contact');
    await agent.fill('#act-resolve-on-contact-note', 'Đã hướng dẫn anh An cập nhật bản ghi MX; thư đã nhận được.');
    await agent.click('#act-resolve-on-contact button[type=submit]');
    await journalEntry(agent, 'resolved_on_contact').waitFor();
    await agent.selectOption('#act-close-rootCause', 'customer_misunderstanding');
    await agent.fill('#act-close-lessonLearned', 'Nhắc khách hàng kiểm tra bản ghi MX sau khi gia hạn.');
    await agent.check('#act-close [name=customerAccepted][value=yes]');
    await agent.click('#act-close button[type=submit]');
    await journalEntry(agent, 'closed', 1).waitFor();

    // The journal tells the whole story, in order, with who did what.
    const types = await journalTypes(agent);
    const story = [
      'received',
      'verified',
      'claimed',
      'note',
      'resolution_reported',
      'answer_drafted',
      'answer_returned',
      'answer_drafted',
      'answer_approved',
      'answer_delivered',
      'callback_outcome',
      'closed',
      'reopened',
      'resolved_on_contact',
      'closed',
    ];
    expect(types.filter((t) => story.includes(t ?? ''))).toEqual(story);
    expect(await journalEntry(agent, 'claimed').textContent()).toContain('department_staff');
    expect(await journalEntry(agent, 'answer_approved').textContent()).toContain('supervisor');
    expect(await journalEntry(agent, 'callback_outcome').textContent()).toContain('hotline_operator');
    expect(await journalEntry(agent, 'closed').textContent()).toContain('registry_or_provider');
    expect(await journalEntry(agent, 'reopened').textContent()).toContain('email theo tên miền');
    expect(await agent.getAttribute('#journal-csv', 'href')).toBe(`/api/v1/cases/${caseNumber}/journal.csv`);
    const download = agent.waitForEvent('download');
    await agent.click('#journal-csv');
    expect((await download).suggestedFilename()).toBe(`nhat-ky-xu-ly-${caseNumber}.csv`);
    await shot(agent, '08-journal', true);

    // Nothing is offered that the role may not do: the operator sees no close or approve on the closed case.
    expect(await operator.locator('details[data-action="close"], details[data-action="approve"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
