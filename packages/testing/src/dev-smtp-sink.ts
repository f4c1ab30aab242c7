/**
 * `npm start` only: a loopback SMTP server that accepts everything and writes each message to
 * DIR/<time>-<n>.eml, so the demo's receipts and answers can be read without a mail relay.
 * Never for production (it authenticates nobody). A taken port is not an error: whoever holds
 * it (a developer's own sink) gets the mail instead.
 *   node packages/testing/dist/dev-smtp-sink.js [port=2525] [dir=.data/mail-sink]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSmtpCapture } from './smtp-capture';

const port = Number(process.argv[2] ?? 2525);
const dir = resolve(process.argv[3] ?? '.data/mail-sink');
mkdirSync(dir, { recursive: true });
let n = 0;

const server = createSmtpCapture({
  port,
  onMessage({ raw, envelopeTo }) {
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${++n}.eml`);
    const rcpt = envelopeTo.join(', ');
    writeFileSync(file, Buffer.concat([Buffer.from(`X-Sink-Rcpt-To: ${rcpt}\r\n`), raw]));
    process.stdout.write(`[mail-sink] ${rcpt} → ${file}\n`);
  },
});
server.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') {
    // Stay up, idle: `npm start` treats any process ending as a reason to stop them all.
    process.stdout.write(`[mail-sink] port ${port} is taken: leaving outgoing mail to whoever listens there\n`);
    setInterval(() => undefined, 1 << 30);
    return;
  }
  process.stderr.write(`[mail-sink] ${err.message}\n`);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`[mail-sink] SMTP on 127.0.0.1:${port}, messages in ${dir}\n`));
const stop = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
