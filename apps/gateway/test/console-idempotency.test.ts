import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/**
 * The part of the console's API client (apps/console/src/api/client.ts) this test drives. The
 * console is browser code with its own TypeScript program (DOM lib, bundler resolution), so it is
 * loaded by a path the repo's type-check does not follow; jest compiles it like any source.
 */
interface ConsoleApi {
  extend(caseNumber: string, extraWorkingDays: number, reason: string): Promise<unknown>;
  caseAction(caseNumber: string, path: 'notes' | 'escalate', body: { text: string } | { reason: string }): Promise<unknown>;
  caseExtras: { noteWithFiles(caseNumber: string, text: string, files: File[]): Promise<unknown> };
  logCall(call: { caller: { name: string; phone: string }; notes: string }): Promise<{ caseNumber: string; callId: string }>;
}
interface ConsoleClientModule {
  createApiClient(opts: { token: () => string | undefined; onUnauthorized: () => void; baseUrl?: string }): ConsoleApi;
}
const CONSOLE_CLIENT = '../../console/src/api/client';

/**
 * A loopback proxy in front of the gateway that, when told, lets one request through, reads the
 * gateway's whole answer and then cuts the connection instead of passing it on: the server acted,
 * the browser never heard (a dropped Wi-Fi, a proxy timeout). A real network fault, no mock.
 */
async function lossyProxy(target: string) {
  const drops = new Set<string>();
  const upstreamAnswers: Array<{ method: string; path: string; status: number; body: string }> = [];
  const server = http.createServer((req, res) => {
    const route = `${req.method} ${req.url}`;
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        upstreamAnswers.push({
          method: req.method!,
          path: req.url!,
          status: answer.statusCode!,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (drops.delete(route)) {
          res.socket?.destroy();
          return;
        }
        res.writeHead(answer.statusCode!, answer.headers);
        res.end(Buffer.concat(chunks));
      });
    });
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** The next answer to `METHOD /path` is lost on the way back. */
    dropNextAnswer: (method: string, path: string) => drops.add(`${method} ${path}`),
    upstreamAnswers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The console's API client (apps/console/src/api/client.ts) against a real gateway: every action
 * carries an Idempotency-Key, the same on the retry of the same action, so an action whose answer
 * was lost and which the person sends again is made once (extensions, notes, notes with files);
 * the server refuses the key reused for another extension, as it does for replies.
 */
describe('console actions: one Idempotency-Key per action, kept for its retry', () => {
  let stack: TestStack;
  let proxy: Awaited<ReturnType<typeof lossyProxy>>;
  let supervisor: string;
  let caseNumber: string;

  beforeAll(async () => {
    consoleClient = (await import(CONSOLE_CLIENT)) as ConsoleClientModule;
    stack = await startTestStack();
    proxy = await lossyProxy(stack.url);
    supervisor = await stack.tokenFor('supervisor');
    const operator = await stack.tokenFor('hotline_operator');
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: operator,
      json: { caller: { name: 'Lê Minh', phone: '0914000555' }, notes: 'Website báo lỗi 500 từ sáng nay.', callId: `c-${randomUUID()}` },
    });
    expect(res.status).toBe(202);
    caseNumber = (res.body as { caseNumber: string }).caseNumber;
    await waitFor('the case', () => stack.db.cases.findByCaseNumber(caseNumber), { timeoutMs: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await stack?.close();
  });

  let consoleClient: ConsoleClientModule;
  const client = () => consoleClient.createApiClient({ token: () => supervisor, onUnauthorized: () => undefined, baseUrl: proxy.url });
  const journal = async () => (await stack.db.cases.findByCaseNumber(caseNumber))!.journal;
  /** The person's action fails (its answer lost after the gateway made it), then they send it again. */
  async function lostThenRetried<T>(method: string, path: string, act: () => Promise<T>): Promise<T> {
    const before = proxy.upstreamAnswers.length;
    proxy.dropNextAnswer(method, path);
    await expect(act()).rejects.toThrow();
    const first = proxy.upstreamAnswers.slice(before).find((a) => a.method === method && a.path === path);
    expect(first?.status).toBeLessThan(300); // the gateway did make it
    return act();
  }

  it('an extension whose answer was lost and which is sent again is made once; the same form sent later is a new extension', async () => {
    const api = client();
    const path = `/api/v1/cases/${caseNumber}/extensions`;
    const reason = 'Chờ nhà cung cấp hosting xác minh nhật ký.';
    await lostThenRetried('POST', path, () => api.extend(caseNumber, 2, reason));
    expect((await journal()).filter((j) => j.type === 'deadline_extended')).toHaveLength(1);
    expect((await stack.db.cases.findByCaseNumber(caseNumber))!.deadlines.extensions).toHaveLength(1);

    // Answered: the key is forgotten, so the supervisor extending again on purpose is a second extension.
    await api.extend(caseNumber, 2, reason);
    expect((await journal()).filter((j) => j.type === 'deadline_extended')).toHaveLength(2);
  }, 60_000);

  it('a note, an escalation and a note with a file whose answer was lost and which are sent again are journalled once', async () => {
    const api = client();
    const text = `Đã gọi lại khách ${randomUUID().slice(0, 8)}.`;
    await lostThenRetried('POST', `/api/v1/cases/${caseNumber}/notes`, () => api.caseAction(caseNumber, 'notes', { text }));
    expect((await journal()).filter((j) => j.type === 'note' && j.message === text)).toHaveLength(1);

    const reason = `Vượt thẩm quyền ${randomUUID().slice(0, 8)}.`;
    await lostThenRetried('POST', `/api/v1/cases/${caseNumber}/escalate`, () => api.caseAction(caseNumber, 'escalate', { reason }));
    expect((await journal()).filter((j) => j.type === 'escalated' && j.message.includes(reason))).toHaveLength(1);

    const withFile = `Nhật ký lỗi đính kèm ${randomUUID().slice(0, 8)}.`;
    const file = new File(['2026-12-03 10:00 HTTP 500 /index.php\n'], 'error.log', { type: 'text/plain' });
    await lostThenRetried('POST', `/api/v1/cases/${caseNumber}/notes/attachments`, () =>
      api.caseExtras.noteWithFiles(caseNumber, withFile, [file]),
    );
    expect((await journal()).filter((j) => j.type === 'note' && j.message.startsWith(withFile))).toHaveLength(1);
  }, 60_000);

  it('a hotline call logged without a call id whose answer was lost, sent again, is one case under one number', async () => {
    const operator = await stack.tokenFor('hotline_operator');
    const api = consoleClient.createApiClient({ token: () => operator, onUnauthorized: () => undefined, baseUrl: proxy.url });
    const notes = `Khách báo mất email ${randomUUID().slice(0, 8)}.`;
    const call = { caller: { name: 'Đặng Hòa', phone: '0916000777' }, notes };
    const accepted = await lostThenRetried('POST', '/api/v1/hotline/calls', () => api.logCall(call));
    const record = await waitFor('the case', () => stack.db.cases.findByCaseNumber(accepted.caseNumber), { timeoutMs: 20_000 });
    expect(record.idempotencyKey).toBe(accepted.callId);
    // Both attempts reached the gateway and were answered with the same case (the first answer was the one lost).
    const answers = proxy.upstreamAnswers.filter((a) => a.path === '/api/v1/hotline/calls');
    expect(answers.map((a) => [a.status, (JSON.parse(a.body) as { caseNumber: string }).caseNumber])).toEqual([
      [202, accepted.caseNumber],
      [202, accepted.caseNumber],
    ]);
    expect(await stack.db.cases.count({ channel: 'hotline', idempotencyKey: accepted.callId })).toBe(1);
  }, 60_000);

  it('the same Idempotency-Key for another extension is 422 (as for replies); a malformed key is 400 naming it', async () => {
    const path = `/api/v1/cases/${caseNumber}/extensions`;
    const key = `ext-${randomUUID()}`;
    const first = await stack.api(path, {
      method: 'POST',
      token: supervisor,
      json: { extraWorkingDays: 1, reason: 'Chờ đối tác phản hồi.' },
      headers: { 'Idempotency-Key': key },
    });
    expect(first.status).toBe(200);
    const same = await stack.api(path, {
      method: 'POST',
      token: supervisor,
      json: { extraWorkingDays: 1, reason: 'Chờ đối tác phản hồi.' },
      headers: { 'Idempotency-Key': key },
    });
    expect(same.status).toBe(200);
    expect(same.body.deadlines).toEqual(first.body.deadlines);
    const other = await stack.api(path, {
      method: 'POST',
      token: supervisor,
      json: { extraWorkingDays: 3, reason: 'Chờ đối tác phản hồi.' },
      headers: { 'Idempotency-Key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.code ?? other.body.type).toMatch(/idempotency_key_reused/);
    const bad = await stack.api(path, {
      method: 'POST',
      token: supervisor,
      json: { extraWorkingDays: 1, reason: 'Chờ đối tác phản hồi.' },
      headers: { 'Idempotency-Key': 'x' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['idempotency-key']);
  }, 60_000);
});
