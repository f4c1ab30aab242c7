import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import type { RunningGateway } from '@cg/gateway';
import {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  freePort,
  TEST_ARTIFACTS_DIR,
  waitFor,
  startTestStack,
  TEST_PASSWORD,
  type TestStack,
} from '@cg/testing';

/**
 * The widget in a real browser (Debian chromium driven by playwright-core, no browser
 * download), embedded with one script tag in a page of another origin, as a customer's site
 * would. The agent answers from the staff console's livechat screen in a second tab.
 */
const ARTIFACTS = TEST_ARTIFACTS_DIR;

/** The page's own function, called inside page.evaluate (this program is type-checked with Node's lib, not the DOM's). */
declare function requestAnimationFrame(callback: (time: number) => void): number;

jest.setTimeout(90_000);

describe('livechat widget in Chromium', () => {
  let stack: TestStack;
  /** The gateway the widget talks to: its own node, on a fixed port, so it can be restarted. */
  let chatNode: RunningGateway;
  let chatPort: string;
  let chatUrl: string;
  let host: Server;
  let hostUrl: string;
  let context: BrowserContext;
  let profileDir: string;

  beforeAll(async () => {
    stack = await startTestStack();
    chatPort = String(await freePort());
    // The customer's site below is on http://localhost:<port>: the chat may be framed there only.
    chatNode = await stack.startGateway({ PORT: chatPort, LIVECHAT_EMBED_ORIGINS: 'http://localhost:*' });
    chatUrl = `http://127.0.0.1:${chatPort}`;
    // The customer's website: another origin, embedding the widget with one script tag.
    host = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tên miền &amp; Hosting — trang khách hàng</title></head>
<body style="font-family: sans-serif; margin: 0; padding: 24px; background: #eef2f7">
<h1>Công ty Tên miền &amp; Hosting</h1><p>Trang web mẫu của khách hàng, nhúng widget hỗ trợ.</p>
<script src="${chatUrl}/livechat/widget.js" data-lang="vi" async></script></body></html>`);
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    hostUrl = `http://localhost:${(host.address() as { port: number }).port}/`;
    profileDir = mkdtempSync(join(tmpdir(), 'livechat-e2e-profile-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 860 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    context.setDefaultTimeout(15_000);
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(profileDir, { recursive: true, force: true });
    await new Promise((r) => host?.close(r));
    await chatNode?.close();
    await stack?.close();
  });

  const chatFrame = (page: Page): FrameLocator => page.frameLocator('iframe[data-cg-livechat="frame"]');

  it('a new customer opens the widget, sends a complaint, sees the case number, gets the agent reply, and keeps the history after a reload', async () => {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(hostUrl);
    await page.locator('button[data-cg-livechat="button"]').click();
    const chat = chatFrame(page);

    // Pre-chat form, in Vietnamese by default.
    const form = chat.getByTestId('prechat-form');
    await form.waitFor();
    await form.locator('button[type=submit]').click(); // empty: the form says what is missing
    await chat
      .locator('.lc-field-error[data-field="email"]')
      .filter({ hasText: /email|số điện thoại/i })
      .waitFor();
    await form.locator('input[name=name]').fill('Phạm Minh Đức');
    await form.locator('input[name=email]').fill('duc.pham@example.vn');
    await form.locator('input[name=phone]').fill('0903 123 456');
    await form.locator('input[name=ref]').fill('ducpham.vn');
    await form.locator('button[type=submit]').click();

    // No agent online yet: the widget says so and still takes the complaint.
    await chat.getByTestId('no-agent-banner').waitFor();
    const complaint = 'Tên miền ducpham.vn đã hết hạn dù tôi đã thanh toán gia hạn hôm thứ Hai. Website và email đều ngừng hoạt động.';
    await chat.getByTestId('message-input').fill(complaint);
    await chat.getByTestId('send').click();
    const caseNumberCell = chat.getByTestId('case-number');
    await caseNumberCell.waitFor();
    const caseNumber = (await caseNumberCell.textContent())!.trim();
    expect(caseNumber).toMatch(/^KN\d{2}-\d{5,}$/);
    await chat.locator('.lc-msg[data-kind="visitor"][data-state="received"]').filter({ hasText: 'ducpham.vn đã hết hạn' }).waitFor();
    // The deadline replaces "within 5 working days" once the worker has computed it.
    await chat
      .getByTestId('deadline')
      .filter({ hasText: /trước 24:00 ngày \d{2}\/\d{2}\/\d{4}/ })
      .waitFor({ timeout: 30_000 });

    // The case is visible through the staff API, in the right department.
    const agentToken = await stack.tokenFor('cs_agent');
    const c = await waitFor('the case', async () => {
      const res = await stack.api(`/api/v1/cases/${caseNumber}`, { token: agentToken });
      return res.status === 200 ? res.body : undefined;
    });
    expect(c).toMatchObject({
      channel: 'livechat',
      department: 'domain',
      customer: { name: 'Phạm Minh Đức', email: 'duc.pham@example.vn' },
    });

    // Text is shown, never interpreted as HTML.
    const html = '<img src=x onerror="document.title=\'pwned\'"><b>đậm</b>';
    await chat.getByTestId('message-input').fill(html);
    await chat.getByTestId('message-input').press('Enter');
    await chat.locator('.lc-msg[data-state="received"] .lc-bubble').filter({ hasText: '<b>đậm</b>' }).waitFor();
    expect(await chat.locator('.lc-messages img, .lc-messages b').count()).toBe(0);

    // The agent signs in at the old agents' address, which leads to the console's livechat screen
    // (served by the other gateway node), and answers.
    const agentPage = await context.newPage();
    agentPage.on('pageerror', (e) => pageErrors.push(`agent page: ${e.message}`));
    await agentPage.goto(`${stack.url}/livechat/agent`);
    await agentPage.locator('input[name=email]').fill('cs_agent.all@test.local');
    await agentPage.locator('input[name=password]').fill(TEST_PASSWORD);
    await agentPage.locator('#login-form button[type=submit]').click();
    await agentPage.getByTestId('conversations').locator('li', { hasText: 'Phạm Minh Đức' }).click();
    await agentPage.getByTestId('agent-messages').locator('li', { hasText: 'ducpham.vn đã hết hạn' }).waitFor();
    expect(await agentPage.getByTestId('agent-case').textContent()).toBe(caseNumber);
    // The agent coming online clears the "no agent" notice.
    await chat.getByTestId('no-agent-banner').waitFor({ state: 'hidden' });
    const reply = 'Chào anh Đức, em đã chuyển bộ phận Tên miền kiểm tra khoản thanh toán gia hạn ạ.';
    await agentPage.getByTestId('agent-input').fill(reply);
    await agentPage.getByTestId('agent-send').click();
    await chat.locator('.lc-msg[data-kind="agent"]').filter({ hasText: reply }).waitFor();

    // The connection drops while the customer sends: the widget marks it "sending", the chat
    // node restarts, and the message arrives once.
    const lost = 'Tin nhắn gửi khi mất kết nối.';

    await chatNode.close();
    await chat.locator('.lc[data-conn="offline"]').waitFor();
    await chat.getByTestId('message-input').fill(lost);
    await chat.getByTestId('send').click();
    await chat.locator('.lc-msg[data-state="sending"]').filter({ hasText: lost }).waitFor();
    chatNode = await stack.startGateway({ PORT: chatPort, LIVECHAT_EMBED_ORIGINS: 'http://localhost:*' });
    await chat.locator('.lc-msg[data-state="received"]').filter({ hasText: lost }).waitFor({ timeout: 20_000 });
    await agentPage.getByTestId('agent-messages').locator('li', { hasText: lost }).waitFor();
    expect(await chat.locator('.lc-msg').filter({ hasText: lost }).count()).toBe(1);
    expect(await agentPage.getByTestId('agent-messages').locator('li', { hasText: lost }).count()).toBe(1);
    const conversation = await stack.db.conversations.findByCaseNumber(caseNumber);
    expect(await stack.db.conversations.messages.countDocuments({ conversationId: String(conversation!._id), text: lost })).toBe(1);

    await page.screenshot({ path: join(ARTIFACTS, 'livechat-widget-desktop.png') });
    await agentPage.screenshot({ path: join(ARTIFACTS, 'livechat-agent-page.png') });

    // Reload: the widget reopens on the same conversation with its whole history.
    await page.reload();
    const again = chatFrame(page);
    await again.getByTestId('case-number').filter({ hasText: caseNumber }).waitFor();
    await again.locator('.lc-msg[data-kind="visitor"]').filter({ hasText: 'ducpham.vn đã hết hạn' }).waitFor();
    await again.locator('.lc-msg[data-kind="agent"]').filter({ hasText: reply }).waitFor();
    await again.locator('.lc-msg').filter({ hasText: lost }).waitFor();
    expect(await again.locator('.lc-msg').filter({ hasText: lost }).count()).toBe(1);

    // English on request; the phone-sized layout fills the screen.
    await again.getByTestId('lang-toggle').click();
    await again.getByTestId('send').filter({ hasText: 'Send' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    const frameBox = () => page.locator('iframe[data-cg-livechat="frame"]').boundingBox();
    await waitFor('the chat to fill the phone screen', async () => (await frameBox())?.width === 390);
    expect(await frameBox()).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    // The compose box sits at the bottom of the phone screen once the chat has re-laid out.
    await waitFor('the compose box at the bottom', async () => {
      const compose = await again.getByTestId('compose').boundingBox();
      return compose !== null && Math.abs(compose.y + compose.height + 40 - 844) < 30;
    });
    // Let the out-of-process iframe paint its new size before the picture is taken.
    await page
      .frames()
      .find((f) => f.url().includes('/chat'))!
      .evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ARTIFACTS, 'livechat-widget-phone.png') });
    await again.getByTestId('lang-toggle').click();

    expect(pageErrors).toEqual([]);
    await agentPage.close();
    await page.close();
  });
});
