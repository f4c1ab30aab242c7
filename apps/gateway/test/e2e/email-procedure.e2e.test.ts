import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { StaffRole } from '@cg/contracts';
import { launchChromium, startTestStack, TEST_ARTIFACTS_DIR, TEST_PASSWORD, waitFor, type TestStack } from '@cg/testing';

/**
 * Walk (a) of issue 9 in real Chromium, every step through the console as each role does it: an
 * email complaint (a real mail delivered into Dovecot, picked up by the poller) → customer support
 * verifies → the department claims, notes, reports → customer support drafts → a supervisor
 * returns the draft once, then signs it off → the signed PDF is emailed (SMTP sink: attachment,
 * `pdfsig` valid) → closed with a root cause → reopened by a hotline operator by case number and
 * the customer's email → answered and closed again → the customer answers the survey through the
 * link in the second survey mail (the first link is void). Screenshots in test-artifacts/.
 */
jest.setTimeout(300_000);

const run = promisify(execFile);
const DEPARTMENT = 'domain';
const SIGNER_CN = 'Công ty Thử nghiệm Chữ ký';

describe('walk (a): an email complaint from receipt to survey (Chromium)', () => {
  let stack: TestStack;
  let dir: string;
  let browser: Browser;
  let staffContext: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-walk-a-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-utf8',
      '-subj', `/C=VN/O=${SIGNER_CN}/CN=${SIGNER_CN}`,
    ]); // prettier-ignore
    await run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', join(dir, 'c.p12'), '-passout', 'pass:thu-nghiem']);
    stack = await startTestStack({
      mailPoller: true,
      env: {
        LETTER_SIGNING_P12_BASE64: (await readFile(join(dir, 'c.p12'))).toString('base64'),
        LETTER_SIGNING_PASSPHRASE: 'thu-nghiem',
        POSTAL_STORE_DIR: join(dir, 'store'),
      },
    });
    // One account per role the walk needs (emails <role>.<department|all>@test.local).
    await stack.tokenFor('hotline_operator');
    await stack.tokenFor('cs_agent');
    await stack.tokenFor('department_staff', DEPARTMENT);
    await stack.tokenFor('supervisor');
    browser = await launchChromium();
    staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await staffContext?.close();
    await browser?.close();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const shot = (page: Page, name: string, fullPage = true) =>
    page.screenshot({ path: join(TEST_ARTIFACTS_DIR, `walk-a-${name}.png`), fullPage });

  function watch(page: Page, who: string): void {
    page.on('pageerror', (e) => problems.push(`${who}: ${e.message}`));
    // Refused requests (on purpose) log "Failed to load resource"; script errors are what count.
    page.on(
      'console',
      (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(`${who}: ${m.text()}`),
    );
  }

  async function signIn(role: StaffRole, department?: string): Promise<Page> {
    const page = await staffContext.newPage();
    watch(page, role);
    await page.goto(`${stack.url}/console/`);
    await page.fill('#login-form [name=email]', `${role}.${department ?? 'all'}@test.local`);
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.waitForSelector('#who-name');
    return page;
  }

  async function openFromList(page: Page, list: string, caseNumber: string): Promise<void> {
    await page.click('#tab-cases');
    await page.click(`#list-${list}`);
    const link = page.locator(`#case-table a:text-is("${caseNumber}")`);
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await page.waitForSelector(`#case-title:has-text("${caseNumber}")`);
  }

  async function unfold(page: Page, action: string): Promise<void> {
    await page.locator(`details[data-action="${action}"]`).evaluate((d) => ((d as unknown as { open: boolean }).open = true));
  }

  const journalEntry = (page: Page, type: string, nth = 0) => page.locator(`#journal tbody tr[data-type="${type}"]`).nth(nth);

  /** Customer support drafts, the supervisor signs off, customer support issues it (email: the signed letter is mailed). */
  async function answerInWriting(agent: Page, supervisor: Page, caseNumber: string, text: string, round: number): Promise<void> {
    await agent.fill('#act-draft-text', text);
    await agent.click('#act-draft button[type=submit]');
    await journalEntry(agent, 'answer_drafted', round === 0 ? 1 : 2).waitFor();
    await openFromList(supervisor, 'approvals', caseNumber);
    await supervisor.fill('#act-approve-comment', 'Đồng ý.');
    await supervisor.click('#act-approve button[type=submit]');
    await journalEntry(supervisor, 'answer_approved', round).waitFor({ timeout: 30_000 });
    await openFromList(agent, 'to-deliver', caseNumber);
    await agent.click('#act-deliver button[type=submit]');
    await journalEntry(agent, 'answer_delivered', round).waitFor();
  }

  async function closeCase(agent: Page, rootCause: string, lesson: string, nth: number): Promise<void> {
    await agent.locator('#case-detail dd:has-text("answered")').waitFor();
    await agent.selectOption('#act-close-rootCause', rootCause);
    await agent.fill('#act-close-lessonLearned', lesson);
    await agent.check('#act-close [name=customerAccepted][value=yes]');
    await agent.click('#act-close button[type=submit]');
    await journalEntry(agent, 'closed', nth).waitFor();
  }

  /** The survey links mailed to the customer so far (their paths: the gateway's PUBLIC_URL may name another host). */
  const surveyPaths = (customer: string): string[] =>
    stack.smtp
      .to(customer)
      .map((m) => /https?:\/\/[^\s/]+(\/survey\/[A-Za-z0-9._-]+)/.exec(String(m.parsed.text ?? ''))?.[1])
      .filter((p): p is string => Boolean(p));

  it('receipt → verify → handle → return once → sign off → signed PDF mailed → close → reopen by the operator → close → survey', async () => {
    const customer = `an.nguyen.${randomUUID().slice(0, 6)}@khachhang.example`;
    const messageId = `<${randomUUID()}@khachhang.example>`;

    // Customer support is on its "to verify" list before the mail arrives.
    const agent = await signIn('cs_agent');
    await agent.click('#list-to-verify');

    // The customer's email reaches the company mailbox; the poller makes a case of it.
    await stack.dovecot.append([
      [
        `From: Nguyễn Văn An <${customer}>`,
        'To: support@tenten.test',
        'Subject: =?UTF-8?B?' + Buffer.from('Tên miền anvan.vn bị khóa dù đã gia hạn').toString('base64') + '?=',
        `Date: ${new Date().toUTCString()}`,
        `Message-ID: ${messageId}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Chào anh chị, tên miền anvan.vn của tôi đã hết hạn và bị khóa dù tôi đã gia hạn tên miền và thanh toán tuần trước. Website và email không hoạt động. Mong được xử lý gấp.',
      ].join('\r\n'),
    ]);
    const caseNumber = await waitFor('the email case', async () => (await stack.caseOf(messageId))?.caseNumber, { timeoutMs: 60_000 });
    // The receipt reached the customer.
    await waitFor('the receipt mail', () => stack.smtp.to(customer).find((m) => String(m.parsed.subject).includes(caseNumber)));

    // Step 2: customer support sees it arrive live and verifies it (confirmed by email).
    await agent.locator(`#case-table a:text-is("${caseNumber}")`).waitFor({ timeout: 30_000 });
    await agent.click(`#case-table a:text-is("${caseNumber}")`);
    await agent.waitForSelector(`#case-title:has-text("${caseNumber}")`);
    await unfold(agent, 'verify');
    await agent.selectOption('#act-verify-how', 'email');
    await agent.fill('#act-verify-customerRequest', 'Mở khóa và gia hạn tên miền anvan.vn.');
    await agent.click('#act-verify button[type=submit]');
    await journalEntry(agent, 'verified').waitFor();
    if ((await stack.db.cases.findByCaseNumber(caseNumber))!.department !== DEPARTMENT) {
      await unfold(agent, 'reclassify');
      await agent.selectOption('#act-reclassify-department', DEPARTMENT);
      await agent.click('#act-reclassify button[type=submit]');
      await journalEntry(agent, 'reclassified').waitFor();
    }
    await shot(agent, '01-agent-verified');

    // Step 3: the department claims it, adds an internal note and reports its result.
    const staff = await signIn('department_staff', DEPARTMENT);
    await openFromList(staff, 'department-queue', caseNumber);
    await staff.click('#act-claim button[type=submit]');
    await journalEntry(staff, 'claimed').waitFor();
    await unfold(staff, 'note');
    await staff.fill('#act-note-text', 'Lệnh gia hạn bị kẹt ở nhà đăng ký; đã mở ticket.');
    await staff.click('#act-note button[type=submit]');
    await journalEntry(staff, 'note').waitFor();
    await staff.fill('#act-report-findings', 'Thanh toán đã nhận nhưng lệnh gia hạn không được gửi tới nhà đăng ký.');
    await staff.fill('#act-report-cause', 'Lệnh gia hạn bị kẹt ở hàng đợi.');
    await staff.fill('#act-report-remedy', 'Đã gửi lại lệnh gia hạn; tên miền hoạt động lại.');
    await staff.click('#act-report button[type=submit]');
    await journalEntry(staff, 'resolution_reported').waitFor();
    await shot(staff, '02-department-reported');

    // Step 4: customer support drafts (an email complaint is written: it needs a sign-off)...
    await openFromList(agent, 'to-answer', caseNumber);
    await agent.fill('#act-draft-text', 'Kính gửi anh An, tên miền anvan.vn đã được gia hạn.');
    await agent.click('#act-draft button[type=submit]');
    await journalEntry(agent, 'answer_drafted').waitFor();
    // ...the supervisor returns it once...
    const supervisor = await signIn('supervisor');
    await openFromList(supervisor, 'approvals', caseNumber);
    await unfold(supervisor, 'return');
    await supervisor.fill('#act-return-comment', 'Nêu rõ nguyên nhân và xin lỗi khách hàng.');
    await supervisor.click('#act-return button[type=submit]');
    await journalEntry(supervisor, 'answer_returned').waitFor();
    await shot(supervisor, '03-supervisor-returned');
    // ...then signs off the redraft; customer support issues it and the signed letter is mailed.
    await agent.waitForSelector('p.returned:has-text("Nêu rõ nguyên nhân")');
    await answerInWriting(
      agent,
      supervisor,
      caseNumber,
      'Kính gửi anh An, chúng tôi xin lỗi vì sự bất tiện. Nguyên nhân: lệnh gia hạn bị kẹt ở nhà đăng ký. Tên miền anvan.vn đã được gia hạn đến 25/11/2027.',
      0,
    );
    const answerMail = await waitFor(
      'the signed answer at the SMTP sink',
      () => stack.smtp.to(customer).find((m) => m.parsed.attachments.some((a) => a.contentType === 'application/pdf')),
      { timeoutMs: 60_000 },
    );
    expect(answerMail.parsed.subject).toContain(caseNumber);
    const pdf = answerMail.parsed.attachments.find((a) => a.contentType === 'application/pdf')!;
    const pdfFile = join(dir, `${caseNumber}.pdf`);
    await writeFile(pdfFile, pdf.content);
    const { stdout: sig } = await run('pdfsig', [pdfFile]);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(sig).toContain(`Signer Certificate Common Name: ${SIGNER_CN}`);
    await journalEntry(agent, 'answer_sent').waitFor({ timeout: 30_000 });

    // Step 5: closed with its root cause; the survey link goes out by email.
    await closeCase(agent, 'registry_or_provider', 'Theo dõi lệnh gia hạn bị kẹt mỗi ngày.', 0);
    await shot(agent, '04-agent-closed');
    const firstLink = await waitFor('the first survey mail', () => surveyPaths(customer)[0], { timeoutMs: 30_000 });

    // The customer calls the hotline: the operator finds the case by number and reopens it (the email must match).
    const operator = await signIn('hotline_operator');
    await operator.click('#tab-cases');
    await operator.fill('#find-case [name=caseNumber]', caseNumber.toLowerCase());
    await operator.click('#find-case button');
    await operator.waitForSelector(`#case-title:has-text("${caseNumber}")`);
    await operator.locator('[data-testid="survey-link"] input').waitFor(); // the link the operator could read out
    await operator.fill('#act-reopen-reason', 'Email theo tên miền vẫn chưa nhận được thư.');
    await operator.fill('#act-reopen-customerEmail', 'someone.else@example.com');
    await operator.click('#act-reopen button[type=submit]');
    await operator.waitForSelector('#act-reopen-customerEmail-error:not(:empty)');
    await operator.fill('#act-reopen-customerEmail', customer.toUpperCase());
    await operator.click('#act-reopen button[type=submit]');
    await journalEntry(operator, 'reopened').waitFor();
    await shot(operator, '05-operator-reopened');

    // Answered again in writing (signed off again) and closed again.
    await openFromList(agent, 'reopened', caseNumber);
    await unfold(agent, 'draft');
    await answerInWriting(
      agent,
      supervisor,
      caseNumber,
      'Kính gửi anh An, bản ghi MX của tên miền anvan.vn đã được cập nhật; email đã hoạt động trở lại.',
      1,
    );
    await journalEntry(agent, 'answer_sent', 1).waitFor({ timeout: 30_000 });
    await closeCase(agent, 'our_system_fault', 'Kiểm tra bản ghi MX sau khi gia hạn.', 1);
    const secondLink = await waitFor('the second survey mail', () => surveyPaths(customer)[1], { timeoutMs: 30_000 });
    expect(secondLink).not.toBe(firstLink);

    // The customer's browser (no staff sign-in): the old link is void, the new one takes the answer once.
    const customerContext = await browser.newContext({ viewport: { width: 420, height: 860 }, locale: 'vi-VN' });
    try {
      const survey = await customerContext.newPage();
      watch(survey, 'customer');
      const old = await survey.goto(`${stack.url}${firstLink}`);
      expect(old?.status()).toBe(410);
      await survey.locator('[data-testid="survey-refused"][data-code="survey_link_replaced"]').waitFor();
      const page = await survey.goto(`${stack.url}${secondLink}`);
      expect(page?.status()).toBe(200);
      await survey.locator('[data-testid="survey-form"]').waitFor();
      expect(await survey.textContent('#sv-intro')).toContain(caseNumber);
      await survey.click('[data-testid="survey-submit"]'); // no rating yet: told to choose one
      await survey.waitForSelector('#sv-rating-error:not([hidden])');
      await survey.check('input[name="rating"][value="5"]');
      await survey.fill('#sv-comment', 'Xử lý tận tình, cảm ơn.');
      await shot(survey, '06-customer-survey');
      await survey.click('[data-testid="survey-submit"]');
      await survey.locator('[data-testid="survey-done"]').waitFor();
      await shot(survey, '07-customer-thanks');
      // Single use: the same link again says so.
      expect((await survey.reload())?.status()).toBe(409);
      await survey.locator('[data-testid="survey-refused"][data-code="survey_already_answered"]').waitFor();
    } finally {
      await customerContext.close();
    }

    // A staff tab opening the link is refused (its console sign-in is sent along).
    const staffTab = await staffContext.newPage();
    await staffTab.goto(`${stack.url}/console/`);
    // Browser code: the tests' type-check has no DOM library, hence the cast.
    type BrowserStorage = { sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void } };
    const staffSession = await agent.evaluate(() => (globalThis as unknown as BrowserStorage).sessionStorage.getItem('cg-staff'));
    await staffTab.evaluate((s) => (globalThis as unknown as BrowserStorage).sessionStorage.setItem('cg-staff', s ?? ''), staffSession);
    await staffTab.goto(`${stack.url}${secondLink}`);
    await staffTab.locator('[data-testid="survey-refused"][data-code="survey_staff_refused"]').waitFor();
    await staffTab.close();

    // Customer support sees the rating on the case, and the journal tells the whole story.
    await agent.locator('[data-testid="survey-answer"]:has-text("5/5")').waitFor({ timeout: 30_000 });
    const c = (await stack.db.cases.findByCaseNumber(caseNumber))!;
    expect(c.surveys).toEqual([
      expect.objectContaining({
        rating: 5,
        comment: 'Xử lý tận tình, cảm ơn.',
        afterReopen: 1,
        answeredBy: expect.objectContaining({ role: 'cs_agent' }),
      }),
    ]);
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
      'answer_sent',
      'closed',
      'reopened',
      'answer_drafted',
      'answer_approved',
      'answer_delivered',
      'answer_sent',
      'closed',
      'survey_answered',
    ];
    await journalEntry(agent, 'survey_answered').waitFor({ timeout: 30_000 });
    const types = await agent.locator('#journal tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    expect(types.filter((t) => story.includes(t ?? ''))).toEqual(story);
    await shot(agent, '08-journal');
    expect(problems).toEqual([]);
  });
});
