import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, startTestStack, waitFor, type TestStack } from '@cg/testing';

/**
 * The built processes, as `npm start` runs them, stop cleanly on SIGTERM. Exit code 0 after
 * "shutdown complete" is the proof: a close that hangs past the grace period (30 s) exits 1.
 */
describe('SIGTERM shuts the processes down gracefully', () => {
  /** Only the isolated database and prefix (and their removal): the processes under test are children. */
  let stack: TestStack;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    stack = await startTestStack({ gateway: false, worker: false, env: { LOG_LEVEL: 'info', NODE_ENV: 'test' } });
    env = stack.env;
  });
  afterAll(() => stack?.close());

  async function runUntilSigterm(script: string, ready: (out: string) => boolean, childEnv: NodeJS.ProcessEnv) {
    const child: ChildProcess = spawn('node', [script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(`${script} to start`, () => ready(out), { timeoutMs: 20_000 });
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`${(err as Error).message}; output: ${out}`, { cause: err });
    }
    child.kill('SIGTERM');
    return { code: await exited, out };
  }

  it('worker: finishes, closes connections, exits 0', async () => {
    const r = await runUntilSigterm(join(__dirname, '../dist/main.js'), (o) => o.includes('workers running'), env);
    expect(r.code).toBe(0);
    expect(r.out).toContain('SIGTERM received');
    expect(r.out).toContain('shutdown complete');
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
