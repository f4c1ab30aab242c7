import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { startTestStack, type TestStack } from '@cg/testing';

/**
 * `POST /api/v1/hotline/calls` is served on node's HTTP server ahead of express (issue 12); the
 * same route with a trailing slash is left to express's route. Every request below is sent to
 * both, and both must answer alike: status, body and headers (security headers, problem type,
 * Location, WWW-Authenticate…). Express alone adds a weak ETag to a 202 (res.json), which is how
 * the test knows those answers came from the path it meant.
 */
const DIRECT = '/api/v1/hotline/calls';
const VIA_EXPRESS = '/api/v1/hotline/calls/';
/** Headers that differ between any two answers (date, connection) or say which path answered (etag). */
const UNCOMPARED = new Set(['date', 'etag', 'connection', 'keep-alive']);

describe('the direct hotline route answers as the express route does', () => {
  let stack: TestStack;
  let operator: string;

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
    operator = await stack.tokenFor('hotline_operator');
  });
  afterAll(() => stack.close());

  const call = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      caller: { name: 'Nguyễn Văn An', phone: '0912 345 678' },
      notes: 'Khách báo tên miền anvan.vn đã hết hạn dù đã thanh toán gia hạn.',
      callId: `call-${randomUUID()}`,
      ...over,
    });

  async function send(path: string, init: { headers?: Record<string, string>; body?: string }) {
    const res = await fetch(stack.url + path, { method: 'POST', headers: init.headers, body: init.body });
    const text = await res.text();
    const headers = Object.fromEntries([...res.headers].filter(([name]) => !UNCOMPARED.has(name)));
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      headers,
      etag: res.headers.get('etag'),
    };
  }

  /** Sends the request to both paths and returns the direct answer once it equals express's. */
  type Answer = Awaited<ReturnType<typeof send>>;
  async function bothAlike(init: { headers?: Record<string, string>; body?: string }, normalise = (a: Omit<Answer, 'etag'>) => a) {
    const direct = await send(DIRECT, init);
    const viaExpress = await send(VIA_EXPRESS, init);
    if (direct.status < 300) {
      expect(direct.etag).toBeNull();
      expect(viaExpress.etag).toMatch(/^W\//);
    }
    const compared = ({ status, body, headers }: Answer) => normalise({ status, body, headers });
    expect(compared(direct)).toEqual(compared(viaExpress));
    return direct;
  }

  const json = (token?: string, extra: Record<string, string> = {}) => ({
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });

  it('a call: 202, the same case number for the same call id, the same headers', async () => {
    const body = call();
    const first = await send(DIRECT, { headers: json(operator), body });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ duplicate: false, status: 'accepted' });
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    // Both repeats are duplicates of the first: same number, same body, same headers.
    const again = await bothAlike({ headers: json(operator), body });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ caseNumber: first.body!.caseNumber, duplicate: true });
    expect(again.headers.location).toBe(`/api/v1/cases/${String(first.body!.caseNumber)}`);
  });

  it('a call without a call id gets one made for it on either path', async () => {
    // Each gets its own call id and case number; the rest is alike.
    const withoutId = (a: Omit<Answer, 'etag'>) => ({
      ...a,
      body: { ...a.body, caseNumber: 'n', callId: 'id', links: 'l' },
      headers: { ...a.headers, location: 'l' },
    });
    const res = await bothAlike(
      { headers: json(operator), body: JSON.stringify({ caller: { name: 'An', phone: '0912345678' }, notes: 'Mất email.' }) },
      withoutId,
    );
    expect(res.status).toBe(202);
    expect(res.body!.callId).toMatch(/^srv-/);
  });

  it.each([
    ['malformed JSON', () => ({ headers: json(operator), body: '{"caller": ' }), 400],
    ['a body over 256 KiB', () => ({ headers: json(operator), body: call({ notes: 'x'.repeat(300_000) }) }), 413],
    ['a JSON string instead of an object', () => ({ headers: json(operator), body: '"call"' }), 400],
    ['no token', () => ({ headers: json(), body: call() }), 401],
    ['a forged token', () => ({ headers: json(operator.slice(0, -4) + 'AAAA'), body: call() }), 401],
    ['missing and bad fields', () => ({ headers: json(operator), body: JSON.stringify({ caller: { phone: 12 }, extra: 1 }) }), 400],
    ['a text body', () => ({ headers: { 'content-type': 'text/plain', authorization: `Bearer ${operator}` }, body: call() }), 400],
    [
      'a malformed Idempotency-Key',
      () => ({ headers: json(operator, { 'idempotency-key': 'no spaces allowed' }), body: call({ callId: undefined }) }),
      400,
    ],
  ])('%s: the same problem document', async (_name, request, status) => {
    const res = await bothAlike(request());
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(String(res.body!.type)).toMatch(/^urn:complaint-gateway:problem:/);
  });

  it('a role without the permission: 403 on both', async () => {
    const clerk = await stack.tokenFor('postal_clerk');
    const res = await bothAlike({ headers: json(clerk), body: call() });
    expect(res.status).toBe(403);
    expect(res.body!.detail).toMatch(/postal_clerk lacks permission hotline:log-call/);
  });

  it('a client that stops mid-body is dropped; the gateway goes on answering', async () => {
    const { port } = new URL(stack.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST ${DIRECT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${operator}\r\nContent-Length: 1000\r\n\r\n{"caller":`,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const after = await send(DIRECT, { headers: json(operator), body: call() });
    expect(after.status).toBe(202);
  });

  it('the direct route is timed under its route pattern in /metrics', async () => {
    const metrics = async () => {
      const text = await (await fetch(`${stack.url}/metrics`)).text();
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('http_request_duration_seconds_count{') &&
            l.includes('route="/api/v1/hotline/calls"') &&
            l.includes('status="202"'),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await metrics();
    expect((await send(DIRECT, { headers: json(operator), body: call() })).status).toBe(202);
    expect(await metrics()).toBe(before + 1);
  });
});
