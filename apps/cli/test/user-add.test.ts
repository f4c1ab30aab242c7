import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestStack, type TestStack } from '@cg/testing';

const run = promisify(execFile);
const CLI = join(__dirname, '../dist/main.js');

describe('npm run cli -- user:add / demo:seed', () => {
  /** The gateway only: the CLI writes the accounts, the gateway signs them in. */
  let stack: TestStack;
  const cli = (...args: string[]) => run('node', [CLI, ...args], { env: { ...stack.env, LOG_LEVEL: 'silent' } });

  beforeAll(async () => {
    stack = await startTestStack({ worker: false });
  });
  afterAll(() => stack?.close());

  const login = (email: string, password: string) =>
    fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('creates a department staff account that can sign in with its role and department', async () => {
    const { stdout } = await cli(
      'user:add',
      '--email',
      'Mai@Example.vn',
      '--password',
      'a-long-password',
      '--role',
      'department_staff',
      '--department',
      'hosting',
    );
    expect(JSON.parse(stdout).created).toMatchObject({ email: 'mai@example.vn', role: 'department_staff', department: 'hosting' });
    const res = await login('mai@example.vn', 'a-long-password');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ staff: { role: 'department_staff', department: 'hosting' } });
  });

  it.each([
    [['--email', 'x@example.vn', '--password', 'short', '--role', 'admin'], /--password/],
    [['--email', 'x@example.vn', '--password', 'a-long-password', '--role', 'boss'], /--role: one of/],
    [['--email', 'x@example.vn', '--password', 'a-long-password', '--role', 'department_staff'], /--department: required/],
    [['--email', 'not-an-email', '--password', 'a-long-password', '--role', 'admin'], /--email/],
    [['--email', 'mai@example.vn', '--password', 'a-long-password', '--role', 'admin'], /already exists/],
  ])('refuses %j with exit code 2 and a message naming the option', async (args, message) => {
    const err = await cli('user:add', ...args).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toMatch(message);
  });

  it('seeds one demo account per role only while the database has no accounts, never in production', async () => {
    const first = JSON.parse((await cli('demo:seed', '--json')).stdout);
    expect(first).toEqual([]); // an account exists from the test above
    await stack.db.staffUsers.model.deleteMany({});
    const seeded = JSON.parse((await cli('demo:seed', '--json')).stdout) as Array<{ role: string; email: string; password: string }>;
    expect(seeded.map((a) => a.role)).toEqual(['hotline_operator', 'postal_clerk', 'cs_agent', 'department_staff', 'supervisor', 'admin']);
    expect((await login(seeded[0]!.email, seeded[0]!.password)).status).toBe(200);
    await stack.db.staffUsers.model.deleteMany({});
    const prod = await run('node', [CLI, 'demo:seed'], { env: { ...stack.env, NODE_ENV: 'production' } }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(prod?.code).toBe(2);
    expect(prod?.stderr).toMatch(/never created when NODE_ENV=production/);
    expect(await stack.db.staffUsers.count()).toBe(0);
  });
});
