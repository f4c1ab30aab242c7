import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `CG_DEMO=1` (set by `npm start` and the test stack): secrets may be made up on this machine. */
export function demoMode(env: NodeJS.ProcessEnv): boolean {
  return env.CG_DEMO === '1' || env.CG_DEMO === 'true';
}

/**
 * A secret for a demo: random, made once and kept in the data folder (`CG_DEMO_DATA_DIR`,
 * default `.data`, mode 0600), so every process of the demo (gateway, worker, poller) reads the
 * same one and it survives restarts. Never a value written in the source: a public default would
 * let anyone forge what the secret signs. Created by linking a finished temporary file into place,
 * so two processes starting at once agree on one value.
 */
export function demoSecret(env: NodeJS.ProcessEnv, name: string): string {
  const dir = env.CG_DEMO_DATA_DIR || '.data';
  const path = join(dir, name);
  const read = (): string | undefined => {
    try {
      const value = readFileSync(path, 'utf8').trim();
      return value.length >= 32 ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(tmp);
  }
  const value = read();
  if (!value) throw new Error(`${path} holds no usable secret: delete it to make a new one`);
  return value;
}
