import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { securityHeaders } from './security-headers';

/** The headers of a JSON answer from an app with this middleware first. */
async function headersWith(first: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(first);
  app.get('/x', (_req, res) => res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
    const headers = Object.fromEntries(res.headers);
    delete headers.date; // the only header that changes between two answers
    return headers;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe('securityHeaders', () => {
  it('answers exactly the headers helmet() does', async () => {
    const ours = await headersWith(securityHeaders());
    expect(ours).toEqual(await headersWith(helmet()));
    expect(ours['content-security-policy']).toContain("default-src 'self'");
    expect(ours['x-content-type-options']).toBe('nosniff');
    expect(ours['x-powered-by']).toBeUndefined();
  });
});
