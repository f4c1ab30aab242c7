import { pino } from 'pino';
import { loadMailOutboundConfig, loadMailPollerConfig } from '@cg/config';
import { onShutdownSignal } from '@cg/queue';
import { startMailPoller } from './poller';

async function main(): Promise<void> {
  const config = loadMailPollerConfig();
  const outbound = loadMailOutboundConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'mail-poller' } });
  if (outbound.messageIdSecretIsDefault)
    logger.warn('MAIL_MESSAGE_ID_SECRET is not set: demo mode (CG_DEMO=1), using the random one kept in .data');
  const poller = await startMailPoller(config, outbound, logger);
  logger.info(
    { url: poller.url, mailboxes: config.mailboxes.map((m) => `${m.name}=${m.user}@${m.host}:${m.port}/${m.folder}`) },
    `mail poller running; health on ${poller.url}/readyz`,
  );
  onShutdownSignal([{ name: 'mail-poller', close: () => poller.close() }], { log: (m) => logger.info(m) });
}

main().catch((err) => {
  process.stderr.write(`mail poller failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
