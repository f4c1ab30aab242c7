import { SMTPServer } from 'smtp-server';

/** What one message delivered to the capture server was: raw bytes and envelope recipients. */
export interface SmtpDelivery {
  raw: Buffer;
  envelopeTo: string[];
}

export interface SmtpCaptureOptions {
  port: number;
  host?: string;
  /**
   * Called with each message; resolve to accept it, reject to refuse it (an error carrying a
   * `responseCode` such as 451 is sent as that SMTP reply, so the sender retries).
   */
  onMessage: (delivery: SmtpDelivery) => Promise<void> | void;
}

/**
 * The one SMTP capture server: accepts every message on loopback (no AUTH, no STARTTLS) and
 * hands it to `onMessage`. The test sink (`SmtpSink`) keeps messages in memory; the `npm start`
 * sink (`dev-smtp-sink.ts`) writes them to files. Never for production: it authenticates nobody.
 */
export function createSmtpCapture(opts: SmtpCaptureOptions): SMTPServer {
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const delivery = { raw: Buffer.concat(chunks), envelopeTo: session.envelope.rcptTo.map((r) => r.address) };
        Promise.resolve()
          .then(() => opts.onMessage(delivery))
          .then(
            () => callback(),
            (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
          );
      });
    },
  });
}

/** Starts the capture server; resolves once it listens. */
export async function startSmtpCapture(opts: SmtpCaptureOptions): Promise<SMTPServer> {
  const server = createSmtpCapture(opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
