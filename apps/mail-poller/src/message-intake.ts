import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { customerIdentitySchema, JOB_NAMES, type AttachmentRef, type IntakeSubmission } from '@cg/contracts';
import type { MailboxConfig } from '@cg/config';
import type { MetricsRegistry } from '@cg/core';
import type { Database } from '@cg/db';
import {
  classifyAutomated,
  decodeHeaderValue,
  messageKeyFor,
  oversizeNoticeMail,
  parseEmail,
  signMessageId,
  UnparseableEmailError,
  type ParsedEmail,
} from '@cg/mail';
import { DEFAULT_JOB_OPTIONS, queueOutboundMail, safeJobId, type IntakePublisher, type OutboundQueue } from '@cg/queue';

/** What the poller learnt from a FETCH of headers only. */
export interface HeaderInfo {
  uid: number;
  size: number;
  headers: Map<string, string>;
  internalDate?: Date;
}

export type Outcome = 'ack' | 'quarantine';

export interface ChunkPlan {
  /** Already handed over (or tombstoned): only the \Seen / move is (re)done. */
  ack: number[];
  /** Already quarantined, or too large: moved to the quarantine folder. */
  quarantine: number[];
  /** New: the body must be fetched and taken in. */
  needBody: HeaderInfo[];
}

export interface MailIntakeDeps {
  db: Database;
  publisher: IntakePublisher;
  /** The outbound queue: bounces go to the worker there, notices to senders too. */
  outboundQueue: OutboundQueue;
  mailbox: MailboxConfig;
  maxMessageBytes: number;
  messageIds: { secret: string; domain: string };
  /** Our own addresses: mail from them is never taken in (loop guard). */
  ownAddresses: Set<string>;
  logger: Logger;
  metrics: MetricsRegistry;
}

const MAX_ENVELOPE_ATTACHMENTS = 50;

/**
 * Takes messages of one mailbox in: dedupe, parse, store, publish. Decides per message whether
 * the IMAP side may acknowledge it (mark \Seen / move) or must quarantine it; the caller does
 * the IMAP commands only after these promises resolved, so nothing is acknowledged early.
 */
export class MailIntake {
  constructor(private readonly deps: MailIntakeDeps) {}

  private get name(): string {
    return this.deps.mailbox.name;
  }

  /** Headers first: what is known already is not fetched again. */
  async plan(infos: HeaderInfo[], uidValidity: number): Promise<ChunkPlan> {
    const { db } = this.deps;
    const keyed = infos.map((i) => ({ info: i, key: headerMessageKey(i.headers) }));
    const keys = keyed.flatMap((k) => (k.key ? [k.key] : []));
    const [known, tombstoned, quarantined] = await Promise.all([
      db.mailMessages.statusOf(this.name, keys),
      db.mailTombstones.tombstoned(this.name, keys),
      db.mailQuarantine.has(this.name, [...keys, ...infos.map((i) => uidKey(uidValidity, i.uid))]),
    ]);
    const plan: ChunkPlan = { ack: [], quarantine: [], needBody: [] };
    for (const { info, key } of keyed) {
      const status = key ? known.get(key) : undefined;
      if (key && tombstoned.has(key)) {
        this.deps.metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'tombstoned' });
        plan.ack.push(info.uid);
      } else if (status === 'done') {
        this.deps.metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'duplicate' });
        plan.ack.push(info.uid);
      } else if ((key && quarantined.has(key)) || quarantined.has(uidKey(uidValidity, info.uid))) {
        plan.quarantine.push(info.uid);
      } else if (info.size > this.deps.maxMessageBytes) {
        await this.quarantineOversize(info, key, uidValidity);
        plan.quarantine.push(info.uid);
      } else {
        plan.needBody.push(info);
      }
    }
    return plan;
  }

  /** One new message, body in hand. Throws only for infrastructure faults (then nothing is acknowledged). */
  async takeIn(info: HeaderInfo, source: Buffer, uidValidity: number): Promise<Outcome> {
    const { db, metrics } = this.deps;
    let mail: ParsedEmail;
    try {
      mail = await parseEmail(source);
    } catch (err) {
      if (!(err instanceof UnparseableEmailError)) throw err;
      const code = /sender/.test(err.message) ? 'no_sender' : 'unparseable';
      await this.quarantine(info, headerMessageKey(info.headers), uidValidity, code, err.message);
      return 'quarantine';
    }
    const key = mail.messageKey;
    if ((await db.mailTombstones.tombstoned(this.name, [key])).size > 0) {
      metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'tombstoned' });
      return 'ack';
    }
    const sender = mail.from!;
    if (this.deps.ownAddresses.has(sender.address)) {
      mail.kind = 'auto-reply';
      mail.kindReasons = [...mail.kindReasons, 'sent from our own address'];
    }
    const identity = customerIdentitySchema.safeParse({
      email: sender.address,
      ...(sender.name ? { name: sender.name.slice(0, 200) } : {}),
    });
    if (!identity.success) {
      await this.quarantine(info, key, uidValidity, 'no_sender', `the sender address ${sender.address} is not usable`);
      return 'quarantine';
    }
    const automated = mail.kind !== 'complaint';
    const bodyText = (
      mail.newText ||
      mail.text ||
      mail.subject ||
      (mail.attachments.length ? '(Thư không có nội dung, xem tệp đính kèm / no text, see the attachments)' : '')
    ).slice(0, 100_000);
    if (!automated && !bodyText) {
      await this.quarantine(info, key, uidValidity, 'empty', 'the message has no subject, no text and no attachment');
      return 'quarantine';
    }

    const attachments: AttachmentRef[] = [];
    for (const [i, a] of mail.attachments.entries()) {
      const id = createHash('sha256').update(`${this.name}\n${key}\n${i}`).digest('hex').slice(0, 24);
      await db.mailAttachments.save({
        _id: id,
        mailbox: this.name,
        messageKey: key,
        fileName: a.fileName,
        contentType: a.contentType,
        size: a.size,
        sha256: a.sha256,
        data: a.content,
      });
      attachments.push({ id, fileName: a.fileName, contentType: a.contentType.slice(0, 255), size: a.size, sha256: a.sha256 });
    }

    const idempotencyKey = `${this.name}:${key}`;
    const receivedAt = info.internalDate && !Number.isNaN(info.internalDate.getTime()) ? info.internalDate : new Date();
    const rawRef = `imap:${this.name}/${this.deps.mailbox.folder}/${uidValidity}/${info.uid}`;
    const { record, created } = await db.mailMessages.insertIfAbsent({
      mailbox: this.name,
      messageKey: key,
      idempotencyKey,
      ...(mail.messageId ? { messageId: mail.messageId } : {}),
      folder: this.deps.mailbox.folder,
      uidValidity,
      uid: info.uid,
      size: source.length,
      from: sender,
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      to: mail.to,
      ...(mail.subject ? { subject: mail.subject } : {}),
      ...(mail.date ? { date: mail.date } : {}),
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      kind: mail.kind,
      kindReasons: mail.kindReasons,
      text: mail.text,
      newText: mail.newText,
      ...(mail.safeHtml ? { safeHtml: mail.safeHtml } : {}),
      attachments,
      headers: mail.headers,
      ...(mail.bounce ? { bounce: mail.bounce } : {}),
      // A bounce stays `received` until the worker's bounce job records what it was about, so a
      // crash before the job is queued makes the poller queue it again.
      status: automated && mail.kind !== 'bounce' ? 'ignored' : 'received',
      ...(automated && mail.kind !== 'bounce' ? { disposition: `ignored:${mail.kind}` } : {}),
      receivedAt,
      rawRef,
    } as never);
    // Handed over before (the worker decided what it became): only the acknowledgement is missing.
    if (!created && (record.disposition || record.status === 'ignored')) {
      metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'duplicate' });
      return 'ack';
    }

    if (mail.kind === 'bounce') {
      // Durable in Redis before the IMAP acknowledgement; the worker attaches it to its case.
      await this.deps.outboundQueue.add(
        JOB_NAMES.inboundBounce,
        { mailbox: this.name, messageKey: key },
        { ...DEFAULT_JOB_OPTIONS, jobId: safeJobId('bounce', digest(idempotencyKey)) },
      );
      metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'bounce' });
      return 'ack';
    }
    if (automated) {
      this.deps.logger.info(
        { mailbox: this.name, messageKey: key, kind: mail.kind, reasons: mail.kindReasons },
        'automated mail: no case, no answer',
      );
      metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'ignored' });
      return 'ack';
    }

    const submission: IntakeSubmission = {
      channel: 'email',
      idempotencyKey,
      customer: identity.data,
      ...(mail.subject ? { subject: mail.subject.slice(0, 500) } : {}),
      bodyText,
      ...(mail.safeHtml && mail.safeHtml.length <= 500_000 ? { safeHtml: mail.safeHtml } : {}),
      attachments: attachments.slice(0, MAX_ENVELOPE_ATTACHMENTS),
      receivedAt: receivedAt.toISOString(),
      rawRef,
      resolvedOnContact: false,
    };
    // After this the worker alone writes the record (FerretDB v1 loses concurrent updates of one document).
    await this.deps.publisher.publish(submission);
    metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'published' });
    return 'ack';
  }

  private async quarantineOversize(info: HeaderInfo, key: string | undefined, uidValidity: number): Promise<void> {
    const limit = this.deps.maxMessageBytes;
    const first = await this.quarantine(
      info,
      key,
      uidValidity,
      'oversize',
      `the message is ${info.size} bytes, above the ${limit}-byte limit`,
    );
    if (!first) return;
    // Tell the sender, unless the mail is automated or from us (no notice loops).
    const from = /<([^<>\s]+@[^<>\s]+)>/.exec(info.headers.get('from') ?? '')?.[1] ?? info.headers.get('from')?.trim();
    const address = from?.toLowerCase();
    const ct = info.headers.get('content-type') ?? '';
    const automated = classifyAutomated(
      { get: (n) => info.headers.get(n) },
      /multipart\/report/i.test(ct) ? { value: 'multipart/report', params: {} } : undefined,
    );
    if (
      !address ||
      !customerIdentitySchema.shape.email.safeParse(address).success ||
      automated.kind !== 'complaint' ||
      this.deps.ownAddresses.has(address)
    )
      return;
    const subject = decodeHeaderValue(info.headers.get('subject'));
    const content = oversizeNoticeMail({ ...(subject ? { subject } : {}), size: info.size, limit });
    const originalId = info.headers.get('message-id')?.trim();
    const { record } = await this.deps.db.mailOutbound.createIfAbsent({
      kind: 'notice',
      dedupeKey: `oversize:${this.name}:${key ?? uidKey(uidValidity, info.uid)}`,
      to: address,
      subject: content.subject,
      text: content.text,
      messageId: signMessageId(this.deps.messageIds.secret, this.deps.messageIds.domain, 'n'),
      ...(originalId ? { inReplyTo: originalId, references: [originalId] } : {}),
      autoSubmitted: true,
    });
    await queueOutboundMail(this.deps.outboundQueue, record);
    await this.deps.db.mailQuarantine.markNotified(this.name, key ?? uidKey(uidValidity, info.uid));
  }

  /** Returns true when this is the first time the message is quarantined. */
  private async quarantine(
    info: HeaderInfo,
    key: string | undefined,
    uidValidity: number,
    code: 'unparseable' | 'oversize' | 'no_sender' | 'empty',
    reason: string,
  ): Promise<boolean> {
    this.deps.logger.warn({ mailbox: this.name, uid: info.uid, code, reason }, 'message quarantined');
    this.deps.metrics.inc('mail_messages_total', { mailbox: this.name, outcome: 'quarantined' });
    // Without U+0000, which FerretDB (PostgreSQL jsonb) cannot store: the record must always be writable.
    const from = info.headers.get('from')?.replaceAll('\u0000', '');
    const subject = decodeHeaderValue(info.headers.get('subject'));
    return this.deps.db.mailQuarantine.record({
      mailbox: this.name,
      quarantineKey: key ?? uidKey(uidValidity, info.uid),
      folder: this.deps.mailbox.folder,
      uidValidity,
      uid: info.uid,
      movedTo: this.deps.mailbox.quarantineFolder,
      code,
      reason: reason.replaceAll('\u0000', ''),
      ...(from ? { from: from.slice(0, 500) } : {}),
      ...(subject ? { subject: subject.slice(0, 500) } : {}),
      size: info.size,
      quarantinedAt: new Date(),
    });
  }
}

function headerMessageKey(headers: Map<string, string>): string | undefined {
  // U+0000 removed as parseEmail does (FerretDB cannot store it), so both derive the same key.
  const id = headers.get('message-id')?.replaceAll('\u0000', '').trim();
  return id ? messageKeyFor(id, () => ({ sender: '', date: '', body: Buffer.alloc(0) })) : undefined;
}

function uidKey(uidValidity: number, uid: number): string {
  return `uid:${uidValidity}/${uid}`;
}

function digest(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 32);
}
