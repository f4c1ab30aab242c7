import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { freePort } from './scratch-redis';

const run = promisify(execFile);
const SCRIPT = resolve(__dirname, '../../../scripts/dovecot.sh');

/** A Dovecot of the test's own (scripts/dovecot.sh) in a temporary directory, on a free loopback port. */
export class TestDovecot {
  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly user = 'support',
    readonly password = 'test-password',
  ) {}

  static async start(): Promise<TestDovecot> {
    const d = new TestDovecot(mkdtempSync(join(tmpdir(), 'dovecot-test-')), await freePort());
    await d.resume();
    return d;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      IMAP_HOST: '127.0.0.1',
      IMAP_PORT: String(this.port),
      IMAP_SECURE: 'false',
      IMAP_USER: this.user,
      IMAP_PASSWORD: this.password,
      ...extra,
    };
  }

  async resume(): Promise<void> {
    await run('bash', [SCRIPT, 'start', '--dir', this.dir, '--port', String(this.port), '--user', this.user, '--password', this.password]);
  }

  /** Stops the server (its mail stays in the directory; resume() starts it again). */
  async halt(): Promise<void> {
    await run('bash', [SCRIPT, 'stop', '--dir', this.dir]);
  }

  async destroy(): Promise<void> {
    await this.halt().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async client(): Promise<ImapFlow> {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: this.port,
      secure: false,
      auth: { user: this.user, pass: this.password },
      logger: false,
      disableAutoIdle: true,
    });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  /** Delivers messages by IMAP APPEND, as a mail server would put them in the folder. */
  async append(messages: Array<string | Buffer>, folder = 'INBOX'): Promise<number[]> {
    const c = await this.client();
    try {
      const uids: number[] = [];
      for (const m of messages) {
        const res = await c.append(folder, typeof m === 'string' ? Buffer.from(m) : m);
        if (res && res.uid) uids.push(res.uid);
      }
      return uids;
    } finally {
      await c.logout().catch(() => undefined);
    }
  }

  /** UIDs in a folder with and without \Seen. */
  async folderState(folder = 'INBOX'): Promise<{ total: number; seen: number; unseen: number }> {
    const c = await this.client();
    try {
      const exists = await c.status(folder, { messages: true, unseen: true }).catch(() => null);
      if (!exists) return { total: 0, seen: 0, unseen: 0 };
      const total = exists.messages ?? 0;
      const unseen = exists.unseen ?? 0;
      return { total, seen: total - unseen, unseen };
    } finally {
      await c.logout().catch(() => undefined);
    }
  }
}
