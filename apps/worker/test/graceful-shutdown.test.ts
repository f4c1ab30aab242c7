import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { isolatedEnv, freePort, removeRedisKeys, waitFor } from '@cg/testing';
import { loadWorkerConfig } from '@cg/config';

/** The built processes, as `npm start` runs them, stop cleanly on SIGTERM. */
describe('SIGTERM shuts the processes down gracefully', () => {
  const env = isolatedEnv({ LOG_LEVEL: 'info', NODE_ENV: 'test' });

  afterAll(() => removeRedisKeys(loadWorkerConfig(env).REDIS_URL, env.QUEUE_PREFIX!));

  async function runUntilSigterm(script: string, ready: (out: string) => boolean, childEnv: NodeJS.ProcessEnv) {
    const child: ChildProcess = spawn('node', [script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(`${script} to start (output so far: ${out})`, () => ready(out), { timeoutMs: 20_000 });
    child.kill('SIGTERM');
    const started = Date.now();
    const code = await exited;
    return { code, out, stopMs: Date.now() - started };
  }

  it('worker: finishes, closes connections, exits 0', async () => {
    const r = await runUntilSigterm(join(__dirname, '../dist/main.js'), (o) => o.includes('workers running'), env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('SIGTERM received');
    expect(r.out).toContain('shutdown complete');
    expect(r.stopMs).toBeLessThan(10_000);
  });

  it('gateway: stops listening, closes connections, exits 0', async () => {
    const port = await freePort();
    const r = await runUntilSigterm(join(__dirname, '../../gateway/dist/main.js'), (o) => o.includes('gateway listening'), {
      ...env,
      PORT: String(port),
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('shutdown complete');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
