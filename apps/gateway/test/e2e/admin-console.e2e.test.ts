import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, TEST_ARTIFACTS_DIR, startTestStack, TEST_PASSWORD, type TestStack } from '@cg/testing';

/** The admin screen in real Chromium: an admin creates a staff account, who signs in with the temporary password. */
describe('admin console (Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    await stack.tokenFor('admin');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('creates a department staff account; a missing department is named; the new account signs in', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));

    await page.goto(stack.url + '/');
    await page.fill('#login-form [name=email]', 'admin.all@test.local');
    await page.fill('#login-form [name=password]', TEST_PASSWORD);
    await page.click('#login-form button');
    await page.click('#tab-admin');
    await page.waitForSelector('#staff-table td:has-text("admin.all@test.local")');

    await page.fill('#staff-create [name=email]', 'hoa.nguyen@test.local');
    await page.fill('#staff-create [name=name]', 'Nguyễn Thị Hoa');
    await page.selectOption('#staff-create [name=role]', 'department_staff');
    await page.click('#staff-create button[type=submit]');
    await page.waitForSelector('#staff-department-error:has-text("required for department staff")');

    await page.selectOption('#staff-create [name=department]', 'billing');
    await page.fill('#staff-create [name=title]', 'Chuyên viên thanh toán');
    await page.click('#staff-create button[type=submit]');
    const notice = await page.waitForSelector('#staff-result p:has-text("Temporary password")');
    const password = /\(shown once\): (\S+)/.exec((await notice.textContent()) ?? '')![1]!;
    await page.waitForSelector('#staff-table tr[data-email="hoa.nguyen@test.local"] td:has-text("billing")');
    mkdirSync(TEST_ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: join(TEST_ARTIFACTS_DIR, 'admin-console-staff.png'), fullPage: true });

    const login = await stack.api('/api/v1/auth/login', { method: 'POST', json: { email: 'hoa.nguyen@test.local', password } });
    expect(login.status).toBe(200);
    expect(login.body.staff).toMatchObject({ role: 'department_staff', department: 'billing', name: 'Nguyễn Thị Hoa' });

    // The other sections open with the keyboard.
    await page.focus('#admin-departments');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#department-billing [name=assignCap]');
    await page.focus('#admin-root-causes');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#root-cause-table tr[data-code="billing_error"]');
    await page.focus('#admin-calendar');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#schedule-table td:text-is("2026")');
    expect(problems).toEqual([]);
  });
});
