import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

// A 1×1 PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/**
 * Chat uploads are refused before their body is read: the rate limit, the conversation check and
 * the cap on uploads in flight answer while the client is still sending (a hostile client cannot
 * make the gateway buffer megabytes to learn it was over its limit), and orphan files go away.
 */
describe('chat uploads: checks before the body, a cap on uploads in flight', () => {
  let stack: TestStack;
  const open: ClientRequest[] = [];

  beforeAll(async () => {
    stack = await startTestStack({
      env: { LIVECHAT_UPLOADS_PER_HOUR_PER_VISITOR: '2', LIVECHAT_UPLOADS_IN_FLIGHT_PER_VISITOR: '1' },
    });
  });
  afterAll(async () => {
    for (const r of open) r.destroy();
    await stack.close();
  });

  const session = async () =>
    (
      (await stack.api('/api/v1/livechat/sessions', { method: 'POST', json: { name: 'Hà', email: 'ha@example.vn' } })).body as {
        token: string;
      }
    ).token;

  /** Starts an upload that announces a large body and sends only its first bytes; resolves with the answer if one comes. */
  function slowUpload(token: string): { answer: Promise<IncomingMessage>; req: ClientRequest } {
    const url = new URL('/api/v1/livechat/attachments?name=big.png', stack.url);
    const req = request(url, {
      method: 'POST',
      agent: false, // its own socket, closed with the request (no pooled socket left open)
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(4 * 1024 * 1024) },
    });
    open.push(req);
    req.on('error', () => undefined); // the server may close the socket after answering
    const answer = new Promise<IncomingMessage>((resolve) => req.on('response', (res) => (res.resume(), resolve(res))));
    req.write(PNG);
    return { answer, req };
  }

  const upload = (token: string) =>
    fetch(`${stack.url}/api/v1/livechat/attachments?name=a.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: PNG,
    });

  it('a visitor over its hourly upload limit is answered 429 before the body arrives', async () => {
    const token = await session();
    expect((await upload(token)).status).toBe(201);
    expect((await upload(token)).status).toBe(201);
    const { answer, req } = slowUpload(token);
    const res = await answer; // never resolves if the gateway waits for the 4 MB first
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    req.destroy();
  });

  it('a second upload while one is in flight is answered 429 at once; an abandoned upload gives its slot back', async () => {
    const token = await session();
    // Two slow uploads at once: whichever arrives second finds the visitor's one slot taken.
    const a = slowUpload(token);
    const b = slowUpload(token);
    const refused = await Promise.race([a.answer, b.answer]);
    expect(refused.statusCode).toBe(429);
    a.req.destroy();
    b.req.destroy();
    // The abandoned upload's slot comes back (refusals by the cap do not count against the hourly limit).
    const status = await waitFor('an upload accepted again', async () => {
      const s = (await upload(token)).status;
      return s === 429 ? undefined : s;
    });
    expect(status).toBe(201);
  });

  it('staff multipart uploads (scans, note files): beyond 8 read at once on a node, the next is answered 503 at once', async () => {
    const clerk = await stack.tokenFor('postal_clerk');
    const slowScan = () => {
      const req = request(new URL('/api/v1/postal/letters', stack.url), {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${clerk}`,
          'content-type': 'multipart/form-data; boundary=slow',
          'content-length': String(8 * 1024 * 1024),
        },
      });
      open.push(req);
      req.on('error', () => undefined);
      const answer = new Promise<IncomingMessage>((resolve) => req.on('response', (res) => (res.resume(), resolve(res))));
      req.write(
        '--slow\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n',
      );
      return { answer, req };
    };
    // Nine at once: eight are being read (and wait for bytes that never come), one finds no room.
    const uploads = Array.from({ length: 9 }, slowScan);
    const first = await Promise.race(uploads.map((u) => u.answer));
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBeDefined();
    for (const u of uploads) u.req.destroy();
  });
});
