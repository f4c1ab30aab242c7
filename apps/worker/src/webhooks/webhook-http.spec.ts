import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook, WebhookTargetRefused } from './webhook-http';

const production = { allowHttp: false, allowPrivate: false };
const development = { allowHttp: true, allowPrivate: true };

describe('postWebhook', () => {
  let server: http.Server;
  let port: number;
  const hang = new Set<http.ServerResponse>();
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hang') {
        hang.add(res);
        return;
      }
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(10_000));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    hang.forEach((r) => r.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses non-public targets in production, by address and by what a name resolves to (before connecting)', async () => {
    await expect(
      postWebhook(new URL(`https://127.0.0.1:${port}/`), '{}', {}, { timeoutMs: 1000, policy: production }),
    ).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(postWebhook(new URL(`https://[::1]:${port}/`), '{}', {}, { timeoutMs: 1000, policy: production })).rejects.toBeInstanceOf(
      WebhookTargetRefused,
    );
    await expect(postWebhook(new URL(`https://localhost:${port}/`), '{}', {}, { timeoutMs: 1000, policy: production })).rejects.toThrow(
      /non-public address/,
    );
    await expect(postWebhook(new URL(`http://example.com/`), '{}', {}, { timeoutMs: 1000, policy: production })).rejects.toThrow(
      /https only/,
    );
  });

  it('answers the status and the first bytes, never follows a redirect, and gives up after the timeout', async () => {
    const ok = await postWebhook(new URL(`http://127.0.0.1:${port}/`), '{}', {}, { timeoutMs: 2000, policy: development });
    expect(ok.status).toBe(200);
    expect(ok.bodyStart).toHaveLength(500);
    expect(
      (await postWebhook(new URL(`http://127.0.0.1:${port}/redirect`), '{}', {}, { timeoutMs: 2000, policy: development })).status,
    ).toBe(302);
    await expect(postWebhook(new URL(`http://127.0.0.1:${port}/hang`), '{}', {}, { timeoutMs: 300, policy: development })).rejects.toThrow(
      /no answer within 300 ms/,
    );
  });
});
