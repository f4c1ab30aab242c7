/** A task run every `intervalMs` by `every()`; `stop()` clears the timer and waits for a run in flight. */
export interface Periodic {
  stop(): Promise<void>;
}

/**
 * Runs `task` every `intervalMs` in the background: never two runs at once (a tick that finds
 * the previous run still going is skipped), a failed run is reported to `onError` and the next
 * tick tries again, and the timer never keeps the process alive. Every "reload X every N
 * seconds" and "sweep every N ms" of the system goes through here.
 */
export function every(intervalMs: number, task: () => Promise<unknown>, onError: (err: Error) => void = () => undefined): Periodic {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = task()
      .then(
        () => undefined,
        (err: unknown) => onError(err instanceof Error ? err : new Error(String(err))),
      )
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** Runs `refresh` once (its failure fails the caller's start), then every `intervalMs` in the background. */
export async function refreshEvery(
  intervalMs: number,
  refresh: () => Promise<unknown>,
  onError: (err: Error) => void = () => undefined,
): Promise<Periodic> {
  await refresh();
  return every(intervalMs, refresh, onError);
}
