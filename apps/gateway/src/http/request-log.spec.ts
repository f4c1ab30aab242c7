import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { requestLog } from './request-log';

describe('requestLog', () => {
  it('one line per finished request at the level of its status, without headers; nothing below the level; req.log for routes', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const app = express();
    app.use(requestLog(pino({ level: 'info' }, sink), { ignore: (path) => path === '/healthz' }));
    app.get('/ok', (req, res) => {
      req.log.info({ caseNumber: 'KN26-00001' }, 'route line');
      res.json({ ok: true });
    });
    app.get('/healthz', (_req, res) => res.status(503).end());
    app.get('/boom', (_req, res) => res.status(500).end());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const headers = { authorization: 'Bearer secret-token' };
      expect((await fetch(`${base}/ok`, { headers })).status).toBe(200);
      expect((await fetch(`${base}/missing?x=1`, { headers })).status).toBe(404);
      expect((await fetch(`${base}/boom`, { headers })).status).toBe(500);
      expect((await fetch(`${base}/healthz`, { headers })).status).toBe(503);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(lines.map((l) => [l.level, l.msg, (l.req as { url?: string } | undefined)?.url])).toEqual([
      [30, 'route line', undefined],
      [40, 'request completed', '/missing?x=1'],
      [50, 'request completed', '/boom'],
    ]);
    expect(lines[1]).toMatchObject({ req: { method: 'GET' }, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });
});
