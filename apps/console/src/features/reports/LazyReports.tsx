import { useEffect, useState } from 'preact/hooks';
import type { ReportsScreen } from './ReportsScreen';

/** A type-only import: the module itself is fetched by the dynamic import() below. */
type ReportsModule = { ReportsScreen: typeof ReportsScreen };

/**
 * The reports screen, loaded on first use: it brings the chart library (chart.js), which no other
 * screen needs, so the console's first load stays small.
 */
export function LazyReports() {
  const [mod, setMod] = useState<ReportsModule | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    import('./ReportsScreen').then(
      (m) => setMod(() => m),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, []);
  if (error)
    return (
      <p class="error" role="alert">
        The reports screen could not be loaded: {error}
      </p>
    );
  return mod ? <mod.ReportsScreen /> : <p aria-busy="true">Loading the reports…</p>;
}
