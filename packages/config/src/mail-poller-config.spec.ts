import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './env';
import { loadMailOutboundConfig } from './mail-outbound-config';
import { loadMailPollerConfig } from './mail-poller-config';

describe('loadMailPollerConfig', () => {
  it('reads one mailbox from IMAP_* (TLS not required on loopback)', () => {
    const c = loadMailPollerConfig({
      IMAP_HOST: '127.0.0.1',
      IMAP_PORT: '1143',
      IMAP_SECURE: 'false',
      IMAP_USER: 'support',
      IMAP_PASSWORD: 'x',
    });
    expect(c.mailboxes).toEqual([
      expect.objectContaining({
        name: 'support',
        host: '127.0.0.1',
        port: 1143,
        secure: false,
        requireTls: false,
        folder: 'INBOX',
        processed: { action: 'seen' },
        quarantineFolder: 'Quarantine',
      }),
    ]);
  });

  it('reads several mailboxes from IMAP_<NAME>_* and requires TLS for remote hosts', () => {
    const c = loadMailPollerConfig({
      MAIL_MAILBOXES: 'support,sales',
      IMAP_SUPPORT_HOST: 'imap.example.vn',
      IMAP_SUPPORT_USER: 'a',
      IMAP_SUPPORT_PASSWORD: 'x',
      IMAP_SUPPORT_PROCESSED: 'move:Đã xử lý',
      IMAP_SALES_HOST: 'imap2.example.vn',
      IMAP_SALES_USER: 'b',
      IMAP_SALES_PASSWORD: 'y',
    });
    expect(c.mailboxes.map((m) => [m.name, m.host, m.requireTls, m.port])).toEqual([
      ['support', 'imap.example.vn', true, 993],
      ['sales', 'imap2.example.vn', true, 993],
    ]);
    expect(c.mailboxes[0]!.processed).toEqual({ action: 'move', folder: 'Đã xử lý' });
  });

  it('names every missing variable', () => {
    expect(() => loadMailPollerConfig({ MAIL_MAILBOXES: 'sales', IMAP_SALES_HOST: 'h' })).toThrow(ConfigError);
    try {
      loadMailPollerConfig({ MAIL_MAILBOXES: 'sales', IMAP_SALES_HOST: 'h' });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(/IMAP_SALES_USER[\s\S]*IMAP_SALES_PASSWORD/);
    }
  });
});

describe('loadMailOutboundConfig', () => {
  it('derives the Message-ID domain from MAIL_FROM and requires a secret in production', () => {
    const c = loadMailOutboundConfig({ MAIL_FROM: 'CSKH <hotro@tenten.vn>', MAIL_MESSAGE_ID_SECRET: 'x'.repeat(32) });
    expect(c).toMatchObject({ fromAddress: 'hotro@tenten.vn', MAIL_MESSAGE_ID_DOMAIN: 'tenten.vn', messageIdSecretIsDefault: false });
    expect(() => loadMailOutboundConfig({ NODE_ENV: 'production' })).toThrow(/MAIL_MESSAGE_ID_SECRET/);
  });

  it('refuses to start without MAIL_MESSAGE_ID_SECRET outside the explicit demo mode (no public default)', () => {
    expect(() => loadMailOutboundConfig({})).toThrow(/MAIL_MESSAGE_ID_SECRET[\s\S]*CG_DEMO=1/);
    expect(() => loadMailOutboundConfig({ NODE_ENV: 'development' })).toThrow(/MAIL_MESSAGE_ID_SECRET/);
    expect(() => loadMailOutboundConfig({ NODE_ENV: 'production', CG_DEMO: '1' })).toThrow(/MAIL_MESSAGE_ID_SECRET/);
  });

  it('in demo mode (CG_DEMO=1) makes a random secret once and keeps it in the data folder for every process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cg-demo-'));
    try {
      const first = loadMailOutboundConfig({ CG_DEMO: '1', CG_DEMO_DATA_DIR: dir });
      const second = loadMailOutboundConfig({ CG_DEMO: '1', CG_DEMO_DATA_DIR: dir });
      expect(first.MAIL_MESSAGE_ID_SECRET).toMatch(/^[0-9a-f]{64}$/);
      expect(second.MAIL_MESSAGE_ID_SECRET).toBe(first.MAIL_MESSAGE_ID_SECRET);
      expect(first.messageIdSecretIsDefault).toBe(true);
      expect(readFileSync(join(dir, 'mail-message-id-secret'), 'utf8').trim()).toBe(first.MAIL_MESSAGE_ID_SECRET);
      expect(statSync(join(dir, 'mail-message-id-secret')).mode & 0o077).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
