import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './scratch-redis';

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
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    const port = await freePort();
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (sink.refuse) {
            sink.refusals++;
            const err = new Error('try again later') as Error & { responseCode: number };
            err.responseCode = 451;
            return callback(err);
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              sink.messages.push({ raw: raw.toString('utf8'), parsed, envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
              callback();
            })
            .catch(callback);
        });
      },
    });
    // onData runs only once the server listens, after this line.
    const sink = new SmtpSink(server, port);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    return sink;
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
