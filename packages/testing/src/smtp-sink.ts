import { simpleParser, type ParsedMail } from 'mailparser';
import type { SMTPServer } from 'smtp-server';
import { freePort } from './scratch-redis';
import { startSmtpCapture } from './smtp-capture';

export interface CapturedMail {
  raw: string;
  parsed: ParsedMail;
  envelopeTo: string[];
}

/** A real SMTP server on loopback that keeps what it receives; it can be told to refuse for a while. */
export class SmtpSink {
  readonly messages: CapturedMail[] = [];
  refuse = false;
  refusals = 0;
  /** Recipients refused for good (550, "no such user"), whatever `refuse` says. */
  readonly rejectRecipients = new Set<string>();
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    const port = await freePort();
    const started: { sink?: SmtpSink } = {};
    const server = await startSmtpCapture({
      port,
      async onMessage({ raw, envelopeTo }) {
        // Deliveries come only after start() returned the sink (a client needs the port first).
        const self = started.sink!;
        if (envelopeTo.some((to) => self.rejectRecipients.has(to))) {
          self.refusals++;
          throw Object.assign(new Error('mailbox unavailable: no such user'), { responseCode: 550 });
        }
        if (self.refuse) {
          self.refusals++;
          throw Object.assign(new Error('try again later'), { responseCode: 451 });
        }
        self.messages.push({ raw: raw.toString('utf8'), parsed: await simpleParser(raw), envelopeTo });
      },
    });
    started.sink = new SmtpSink(server, port);
    return started.sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): CapturedMail[] {
    return this.messages.filter((m) => m.envelopeTo.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
