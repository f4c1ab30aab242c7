/**
 * Runs the given closers once, in order, on SIGTERM or SIGINT, then exits.
 * A second signal, or a close that takes longer than `timeoutMs`, forces the exit.
 */
export function onShutdownSignal(
  closers: Array<{ name: string; close: () => unknown }>,
  opts: { timeoutMs?: number; log?: (msg: string) => void } = {},
): void {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received: shutting down gracefully`);
    const timer = setTimeout(() => {
      log('graceful shutdown timed out: exiting');
      process.exit(1);
    }, opts.timeoutMs ?? 30_000);
    timer.unref();
    let code = 0;
    for (const c of closers) {
      try {
        await c.close();
      } catch (err) {
        code = 1;
        log(`closing ${c.name} failed: ${(err as Error).message}`);
      }
    }
    log('shutdown complete');
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
