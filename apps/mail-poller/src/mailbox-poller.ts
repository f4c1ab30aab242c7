import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { RedisClient } from '@cg/queue';
import type { Logger } from 'pino';
import type { MailboxConfig, MailPollerConfig } from '@cg/config';
import type { Database } from '@cg/db';
import { parseHeaderBlock } from './header-block';
import { MailboxLock } from './mailbox-lock';
import type { HeaderInfo, MailIntake } from './message-intake';
import type { MetricsRegistry } from '@cg/core';

/** Headers the poller needs before deciding to fetch a body. */
const HEADER_FIELDS = [
  'message-id',
  'from',
  'subject',
  'date',
  'content-type',
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'list-unsubscribe',
  'list-id',
  'x-loop',
  'x-failed-recipients',
];

/** Messages of one body batch taken in at once. */
const TAKE_IN_CONCURRENCY = 8;

export type MailboxState = 'starting' | 'standby' | 'connecting' | 'polling' | 'backoff' | 'stopped';

export interface MailboxStatus {
  mailbox: string;
  state: MailboxState;
  healthy: boolean;
  lockHeld: boolean;
  consecutiveFailures: number;
  lastError?: string;
  lastSyncAt?: string;
  lastUid?: number;
  uidValidity?: number;
}

type Settings = Pick<
  MailPollerConfig,
  | 'MAIL_POLL_INTERVAL_MS'
  | 'MAIL_IDLE_MAX_MS'
  | 'MAIL_LOCK_TTL_MS'
  | 'MAIL_RECONNECT_MIN_MS'
  | 'MAIL_RECONNECT_MAX_MS'
  | 'MAIL_UNHEALTHY_AFTER'
  | 'MAIL_HEADER_BATCH'
  | 'MAIL_BODY_BATCH'
  | 'MAIL_BODY_BATCH_BYTES'
  | 'MAIL_SOCKET_TIMEOUT_MS'
  | 'QUEUE_PREFIX'
>;

/**
 * Watches one mailbox for as long as this process holds its lock: a new ImapFlow client per
 * connection, a sync (checkpoint → headers → bodies in bounded batches → publish → \Seen/move →
 * checkpoint), then IDLE until the server reports new mail, the poll interval passes or the
 * IDLE cap restarts it. Connection failures reconnect with jittered exponential backoff; after
 * MAIL_UNHEALTHY_AFTER of them in a row the mailbox is reported unhealthy, and it keeps trying.
 */
export class MailboxPoller {
  private state: MailboxState = 'starting';
  private healthy = true;
  private failures = 0;
  private lastError?: string;
  private lastSyncAt?: Date;
  private lastUid?: number;
  private uidValidity?: number;
  private stopping = false;
  private wake?: (reason: string) => void;
  private client?: ImapFlow;
  private readonly lock: MailboxLock;
  private loop?: Promise<void>;

  constructor(
    private readonly mailbox: MailboxConfig,
    private readonly settings: Settings,
    private readonly db: Database,
    redis: RedisClient,
    private readonly intake: MailIntake,
    private readonly logger: Logger,
    private readonly metrics: MetricsRegistry,
  ) {
    this.lock = new MailboxLock(redis, `${settings.QUEUE_PREFIX}:mail-poller:lock:${mailbox.name}`, settings.MAIL_LOCK_TTL_MS, (reason) => {
      this.logger.warn({ mailbox: mailbox.name, reason }, 'mailbox lock lost: stopping this session');
      this.interrupt('lock lost');
      this.client?.close();
    });
  }

  start(): void {
    this.loop = this.run();
  }

  status(): MailboxStatus {
    return {
      mailbox: this.mailbox.name,
      state: this.state,
      healthy: this.healthy,
      lockHeld: this.lock.isHeld,
      consecutiveFailures: this.failures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastSyncAt ? { lastSyncAt: this.lastSyncAt.toISOString() } : {}),
      ...(this.lastUid !== undefined ? { lastUid: this.lastUid } : {}),
      ...(this.uidValidity !== undefined ? { uidValidity: this.uidValidity } : {}),
    };
  }

  /** Stops after the batch in hand (its acknowledgements included), logs out and releases the lock. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.interrupt('stopping');
    await this.loop;
    this.state = 'stopped';
  }

  private interrupt(reason: string): void {
    this.wake?.(reason);
  }

  private async run(): Promise<void> {
    const name = this.mailbox.name;
    while (!this.stopping) {
      if (!(await this.lock.tryAcquire())) {
        if (this.state !== 'standby') this.logger.info({ mailbox: name }, 'another poller holds this mailbox: standing by');
        this.state = 'standby';
        await this.sleep(Math.max(100, Math.floor(this.settings.MAIL_LOCK_TTL_MS / 3)));
        continue;
      }
      try {
        await this.session();
      } catch (err) {
        if (this.stopping) break;
        this.failures++;
        this.lastError = (err as Error).message;
        this.metrics.inc('mail_session_failures_total', { mailbox: name });
        if (this.failures >= this.settings.MAIL_UNHEALTHY_AFTER && this.healthy) {
          this.healthy = false;
          this.logger.error(
            { mailbox: name, alert: 'mailbox_unhealthy', failures: this.failures, err: this.lastError },
            `ALERT mailbox ${name} unhealthy after ${this.failures} failed attempts; still retrying`,
          );
        } else {
          this.logger.warn({ mailbox: name, failures: this.failures, err: this.lastError }, 'IMAP session failed; reconnecting');
        }
        this.state = 'backoff';
        await this.sleep(this.backoffMs());
      }
    }
    await this.lock.release();
  }

  private backoffMs(): number {
    const { MAIL_RECONNECT_MIN_MS: min, MAIL_RECONNECT_MAX_MS: max } = this.settings;
    const exp = Math.min(max, min * 2 ** Math.min(this.failures - 1, 16));
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }

  /** Resolves after `ms`, or at once when interrupted. */
  private sleep(ms: number): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timer'), ms);
      const done = (reason: string) => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(reason);
      };
      this.wake = done;
    });
  }

  /** One connection, from connect to logout. Returns normally only when stopping or the lock is lost. */
  private async session(): Promise<void> {
    const m = this.mailbox;
    this.state = 'connecting';
    const client = new ImapFlow({
      host: m.host,
      port: m.port,
      secure: m.secure,
      ...(m.requireTls && !m.secure ? { doSTARTTLS: true } : {}),
      auth: { user: m.user, pass: m.password },
      logger: false,
      maxIdleTime: this.settings.MAIL_IDLE_MAX_MS,
      socketTimeout: this.settings.MAIL_SOCKET_TIMEOUT_MS,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      disableAutoIdle: true,
    });
    this.client = client;
    let closed = false;
    client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
    client.on('close', () => {
      closed = true;
      this.interrupt('connection closed');
    });
    client.on('exists', () => this.interrupt('new mail'));
    try {
      await client.connect();
      await this.ensureFolders(client);
      this.state = 'polling';
      while (!this.stopping && this.lock.isHeld) {
        await this.sync(client);
        // Healthy again only once a whole sync went through (connecting alone proves little).
        if (this.failures > 0 || !this.healthy)
          this.logger.info({ mailbox: m.name, after: this.failures }, `mailbox ${m.name} works again`);
        this.failures = 0;
        this.healthy = true;
        this.lastError = undefined;
        if (closed) throw new Error('the IMAP connection closed');
        if (this.stopping || !this.lock.isHeld) break;
        // IDLE until the server reports mail (the 'exists' event), the poll interval passes or
        // we are interrupted; imapflow restarts IDLE every MAIL_IDLE_MAX_MS (the IDLE cap).
        const idling = client.idle().catch(() => undefined);
        const reason = await this.sleep(this.settings.MAIL_POLL_INTERVAL_MS);
        if (closed || reason === 'connection closed') throw new Error('the IMAP connection closed');
        void idling;
      }
    } finally {
      this.client = undefined;
      if (!closed) {
        await Promise.race([client.logout().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
        client.close();
      }
    }
  }

  private async ensureFolders(client: ImapFlow): Promise<void> {
    const wanted = [this.mailbox.quarantineFolder, ...(this.mailbox.processed.action === 'move' ? [this.mailbox.processed.folder] : [])];
    const existing = new Set((await client.list()).map((f) => f.path));
    for (const folder of wanted) if (!existing.has(folder)) await client.mailboxCreate(folder).catch(() => undefined);
  }

  /** Everything new in the folder, chunk by chunk; each chunk is acknowledged and checkpointed before the next. */
  private async sync(client: ImapFlow): Promise<void> {
    const m = this.mailbox;
    const lock = await client.getMailboxLock(m.folder);
    try {
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error(`could not open folder ${m.folder}`);
      const uidValidity = Number(mailbox.uidValidity);
      let checkpoint = await this.db.mailCheckpoints.get(m.name, m.folder);
      if (!checkpoint || checkpoint.uidValidity !== uidValidity) {
        if (checkpoint)
          this.logger.warn(
            { mailbox: m.name, folder: m.folder, was: checkpoint.uidValidity, now: uidValidity },
            'UIDVALIDITY changed: full resync (dedupe prevents duplicates)',
          );
        await this.db.mailCheckpoints.reset(m.name, m.folder, uidValidity, Boolean(checkpoint));
        checkpoint = { mailbox: m.name, folder: m.folder, uidValidity, lastUid: 0, resyncs: 0 };
      }
      this.uidValidity = uidValidity;
      this.lastUid = checkpoint.lastUid;
      const found = (await client.search({ uid: `${checkpoint.lastUid + 1}:*` }, { uid: true })) || [];
      // `n:*` also matches the highest UID when n is beyond it: keep only what is really new.
      const uids = found.filter((u) => u > checkpoint.lastUid).sort((a, b) => a - b);
      for (let i = 0; i < uids.length; i += this.settings.MAIL_HEADER_BATCH) {
        if (this.stopping || !this.lock.isHeld) return;
        const chunk = uids.slice(i, i + this.settings.MAIL_HEADER_BATCH);
        await this.processChunk(client, chunk, uidValidity);
        const last = chunk[chunk.length - 1]!;
        await this.db.mailCheckpoints.advance(m.name, m.folder, uidValidity, last);
        this.lastUid = last;
      }
      this.lastSyncAt = new Date();
      this.metrics.inc('mail_syncs_total', { mailbox: m.name });
    } finally {
      lock.release();
    }
  }

  private async processChunk(client: ImapFlow, uids: number[], uidValidity: number): Promise<void> {
    const headerRows = await client.fetchAll(
      uids.join(','),
      { uid: true, size: true, internalDate: true, headers: HEADER_FIELDS },
      { uid: true },
    );
    const infos: HeaderInfo[] = headerRows.map((r: FetchMessageObject) => ({
      uid: r.uid,
      size: r.size ?? 0,
      headers: parseHeaderBlock(r.headers),
      ...(r.internalDate ? { internalDate: new Date(r.internalDate) } : {}),
    }));
    const plan = await this.intake.plan(infos, uidValidity);
    const ack = [...plan.ack];
    const quarantine = [...plan.quarantine];

    // Bodies in bounded batches: at most MAIL_BODY_BATCH messages and MAIL_BODY_BATCH_BYTES at once.
    let batch: HeaderInfo[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const byUid = new Map(batch.map((b) => [b.uid, b]));
      const rows = await client.fetchAll(batch.map((b) => b.uid).join(','), { uid: true, source: true }, { uid: true });
      batch = [];
      bytes = 0;
      // No IMAP command runs while the fetch is streaming; the processing happens after it, a few
      // messages at a time (it waits on MongoDB and Redis). Order does not matter: nothing is
      // acknowledged until the whole batch is durable.
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(TAKE_IN_CONCURRENCY, rows.length) }, async () => {
          while (next < rows.length) {
            const row = rows[next++]!;
            const info = byUid.get(row.uid);
            if (!info || !row.source) continue;
            const outcome = await this.intake.takeIn(info, row.source, uidValidity);
            (outcome === 'ack' ? ack : quarantine).push(row.uid);
          }
        }),
      );
    };
    for (const info of plan.needBody) {
      if (batch.length >= this.settings.MAIL_BODY_BATCH || (batch.length > 0 && bytes + info.size > this.settings.MAIL_BODY_BATCH_BYTES))
        await flush();
      batch.push(info);
      bytes += info.size;
    }
    await flush();

    // Only now, with every envelope durable, does the server hear about it.
    if (ack.length) {
      if (this.mailbox.processed.action === 'move') await client.messageMove(ack.join(','), this.mailbox.processed.folder, { uid: true });
      else await client.messageFlagsAdd(ack.join(','), ['\\Seen'], { uid: true });
    }
    if (quarantine.length) {
      // Recorded in mail_quarantine already; a failed move must not block the mailbox behind it.
      await client.messageMove(quarantine.join(','), this.mailbox.quarantineFolder, { uid: true }).catch((err: Error) => {
        this.logger.error(
          { mailbox: this.mailbox.name, uids: quarantine, err: err.message },
          'could not move quarantined messages; they stay in the folder',
        );
      });
    }
  }
}
