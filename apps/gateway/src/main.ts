import { pino } from 'pino';
import { loadGatewayConfig } from '@cg/config';
import { onShutdownSignal } from '@cg/queue';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'gateway' } });
  if (config.authSecretIsEphemeral) {
    logger.warn('AUTH_TOKEN_SECRET is not set: using a random secret; staff tokens end when this process does');
  }
  const gateway = await startGateway(config, logger);
  logger.info({ url: gateway.url }, `gateway listening on ${gateway.url}`);
  onShutdownSignal([{ name: 'gateway', close: () => gateway.close() }], { log: (m) => logger.info(m) });
}

main().catch((err) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
