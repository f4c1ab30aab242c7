import { pino } from 'pino';
import { loadGatewayConfig, loadWorkerConfig } from '@cg/config';
import type { StaffRole } from '@cg/contracts';
import { hashPassword } from '@cg/core';
import { isolatedEnv, removeRedisKeys, requestJson, type TestRequestInit, type TestResponse } from '@cg/testing';
import { startGateway, type RunningGateway } from '../../src/gateway';
import { startWorkers, type RunningWorkers } from '../../../worker/src/worker';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestStack {
  url: string;
  env: NodeJS.ProcessEnv;
  gateway: RunningGateway;
  workers?: RunningWorkers;
  /** Creates (once) a staff account with this role and returns a bearer token for it. */
  tokenFor(role: StaffRole, department?: string): Promise<string>;
  api(path: string, init?: TestRequestInit): Promise<TestResponse>;
  close(): Promise<void>;
}

/** The real gateway and (unless `withWorkers: false`) the real workers, in-process, on an isolated database and prefix. */
export async function startTestStack(opts: { withWorkers?: boolean; env?: Record<string, string> } = {}): Promise<TestStack> {
  const env = isolatedEnv(opts.env);
  const logger = pino({ level: 'silent' });
  const workers = opts.withWorkers === false ? undefined : await startWorkers(loadWorkerConfig(env), logger);
  const gateway = await startGateway(loadGatewayConfig(env), logger);
  const url = `http://127.0.0.1:${(gateway.server.address() as { port: number }).port}`;
  const tokens = new Map<string, string>();

  const api: TestStack['api'] = (path, init = {}) => requestJson(url, path, init);

  return {
    url,
    env,
    gateway,
    ...(workers ? { workers } : {}),
    api,
    async tokenFor(role, department) {
      const key = `${role}:${department ?? ''}`;
      const cached = tokens.get(key);
      if (cached) return cached;
      const email = `${role}.${department ?? 'all'}@test.local`;
      await gateway.db.staffUsers.create({
        email,
        displayName: `Test ${role}`,
        passwordHash: await hashPassword(TEST_PASSWORD),
        role,
        ...(department ? { department } : {}),
      });
      const res = await api('/api/v1/auth/login', { method: 'POST', json: { email, password: TEST_PASSWORD } });
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(key, res.body.token);
      return res.body.token as string;
    },
    async close() {
      await gateway.db.connection.dropDatabase().catch(() => undefined);
      await gateway.close();
      await workers?.close();
      await removeRedisKeys(env.REDIS_URL ?? 'redis://127.0.0.1:6390', env.QUEUE_PREFIX!);
    },
  };
}
