import nodemailer, { type Transporter } from 'nodemailer';
import type { MailOutboundConfig } from '@cg/config';
import type { MailOutboundRecord } from '@cg/db';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * nodemailer's options for SMTP_URL: `smtps://` is TLS from the start; `smtp://` must upgrade
 * with STARTTLS (requireTLS: the send fails rather than going out in clear) unless the relay is
 * on loopback, where a local sink or an MTA on the same host may have no certificate.
 */
export function smtpTransportOptions(config: Pick<MailOutboundConfig, 'SMTP_URL' | 'SMTP_TIMEOUT_MS'>) {
  const url = new URL(config.SMTP_URL);
  const secure = url.protocol === 'smtps:';
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\./.test(url.hostname);
  return {
    host: url.hostname,
    port: Number(url.port || (secure ? 465 : 587)),
    secure,
    requireTLS: !secure && !loopback,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: config.SMTP_TIMEOUT_MS,
    greetingTimeout: config.SMTP_TIMEOUT_MS,
    socketTimeout: config.SMTP_TIMEOUT_MS,
  };
}

/** Sends one `mail_outbound` row over SMTP (nodemailer), with our signed Message-ID and threading headers. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly config: Pick<MailOutboundConfig, 'SMTP_URL' | 'MAIL_FROM' | 'SMTP_TIMEOUT_MS'>) {
    this.transport = nodemailer.createTransport(smtpTransportOptions(config));
  }

  /** `files`: the bytes of the row's attachments (read from the content-addressed store by the caller). */
  async send(
    m: MailOutboundRecord,
    files: Array<{ fileName: string; contentType: string; content: Buffer }> = [],
  ): Promise<{ response: string }> {
    const info = await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to: m.to,
      subject: m.subject,
      text: m.text,
      ...(m.html ? { html: m.html } : {}),
      messageId: m.messageId,
      ...(m.inReplyTo ? { inReplyTo: m.inReplyTo } : {}),
      ...(m.references?.length ? { references: m.references } : {}),
      // RFC 3834: automatic messages say so, so that auto-responders do not answer them (no loops).
      headers: m.autoSubmitted ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
      ...(files.length
        ? { attachments: files.map((f) => ({ filename: f.fileName, contentType: f.contentType, content: f.content })) }
        : {}),
    });
    return { response: String(info.response ?? '') };
  }

  close(): void {
    this.transport.close();
  }
}
