import { pino } from 'pino';
import { loadWorkerConfig } from '@cg/config';
import { onShutdownSignal } from '@cg/queue';
import { startWorkers } from './worker';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = pino({ level: config.LOG_LEVEL, base: { app: 'worker' } });
  const workers = await startWorkers(config, logger);
  logger.info({ concurrency: config.INTAKE_CONCURRENCY }, 'workers running');
  onShutdownSignal([{ name: 'workers', close: () => workers.close() }], { log: (m) => logger.info(m) });
}

main().catch((err) => {
  process.stderr.write(`worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
