import nodemailer, { type Transporter } from 'nodemailer';
import type { MailOutboundConfig } from '@cg/config';
import type { MailOutboundRecord } from '@cg/db';

/** Sends one `mail_outbound` row over SMTP (nodemailer), with our signed Message-ID and threading headers. */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly config: Pick<MailOutboundConfig, 'SMTP_URL' | 'MAIL_FROM' | 'SMTP_TIMEOUT_MS'>) {
    const url = new URL(config.SMTP_URL);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
    });
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
