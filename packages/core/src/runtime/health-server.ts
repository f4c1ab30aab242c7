import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MetricsRegistry, type Gauge } from './metrics';

/** One dependency a process needs to do its work (Redis, MongoDB, a mailbox…). */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<boolean> | boolean;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, 'up' | 'down'>;
}

/** Runs every check (a check that throws counts as down); ready when all are up. */
export async function readinessReport(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(
      async (c) =>
        [
          c.name,
          await Promise.resolve()
            .then(c.check)
            .catch(() => false),
        ] as const,
    ),
  );
  const ready = results.every(([, ok]) => ok);
  return {
    status: ready ? 'ready' : 'not_ready',
    checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'up' : 'down'])),
  };
}

export interface HealthServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  checks: ReadinessCheck[];
  /** More fields of the /readyz body (e.g. the state of each mailbox). */
  details?: () => Record<string, unknown>;
  /** The process's prom-client registry (default process metrics are always in it). */
  metrics?: MetricsRegistry;
  /** More gauges read at each scrape. */
  gauges?: () => Gauge[];
}

export interface RunningHealthServer {
  /** http://host:port of /healthz, /readyz and /metrics. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * The health endpoint of a process without an HTTP API of its own (mail poller, worker):
 * /healthz (the process is up), /readyz (every check answers; 503 otherwise) and /metrics.
 * The gateway serves the same /healthz and /readyz from its express app (`readinessReport`).
 */
export async function startHealthServer(opts: HealthServerOptions): Promise<RunningHealthServer> {
  const metrics = opts.metrics ?? new MetricsRegistry();
  const gauges = opts.gauges;
  if (gauges) metrics.onScrape(gauges);
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/healthz') return json(res, 200, { status: 'ok' });
      if (req.url === '/readyz') {
        const report = await readinessReport(opts.checks);
        return json(res, report.status === 'ready' ? 200 : 503, { ...report, ...opts.details?.() });
      }
      if (req.url === '/metrics') {
        const body = await metrics.render();
        res.writeHead(200, { 'content-type': metrics.contentType });
        return res.end(body);
      }
      json(res, 404, { status: 'not_found' });
    })().catch((err) => json(res, 500, { status: 'error', detail: (err as Error).message }));
  });
  server.listen(opts.port, opts.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
