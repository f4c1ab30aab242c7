import { Counter, Gauge as PromGauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Gauge {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The Prometheus registry of one process (prom-client): default process metrics (CPU, memory,
 * event loop, GC) plus the process's own families. Counters and histograms are declared on first
 * use with the label names of that use; gauges read at scrape time come from `onScrape`.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  /** Counter values by name and labels, for `get()` (prom-client reads are async). */
  private readonly counted = new Map<string, number>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly scrapeGauges = new Map<string, PromGauge>();
  private readonly collectors: Array<() => Promise<Gauge[]> | Gauge[]> = [];

  constructor() {
    // No default labels: Prometheus adds job and instance, so series keep the names they had.
    collectDefaultMetrics({ register: this.registry });
  }

  inc(name: string, labels: Record<string, string>, by = 1): void {
    let counter = this.counters.get(name);
    if (!counter) {
      counter = new Counter({ name, help: HELP[name] ?? name, labelNames: Object.keys(labels), registers: [this.registry] });
      this.counters.set(name, counter);
    }
    counter.inc(labels, by);
    const key = countKey(name, labels);
    this.counted.set(key, (this.counted.get(key) ?? 0) + by);
  }

  /** The current value of a counter (tests, /readyz details). */
  get(name: string, labels: Record<string, string>): number {
    return this.counted.get(countKey(name, labels)) ?? 0;
  }

  /** Observes a duration in seconds in a histogram declared on first use. */
  observe(name: string, labels: Record<string, string>, seconds: number, buckets: number[] = DURATION_BUCKETS): void {
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = new Histogram({ name, help: HELP[name] ?? name, labelNames: Object.keys(labels), buckets, registers: [this.registry] });
      this.histograms.set(name, histogram);
    }
    histogram.observe(labels, seconds);
  }

  /** Gauges computed at each scrape (queue depths, open cases, mailbox state). A failing collector is skipped. */
  onScrape(collect: () => Promise<Gauge[]> | Gauge[]): void {
    this.collectors.push(collect);
  }

  /** The text exposition format, gauges collected first. */
  async render(): Promise<string> {
    const results = await Promise.all(
      this.collectors.map((c) =>
        Promise.resolve()
          .then(c)
          .catch(() => [] as Gauge[]),
      ),
    );
    const seen = new Set<string>();
    for (const gauge of results.flat()) {
      let family = this.scrapeGauges.get(gauge.name);
      if (!family) {
        family = new PromGauge({
          name: gauge.name,
          help: HELP[gauge.name] ?? gauge.name,
          labelNames: Object.keys(gauge.labels),
          registers: [this.registry],
        });
        this.scrapeGauges.set(gauge.name, family);
      }
      // Reset once per scrape so a label set that disappeared (a closed case state) is not reported forever.
      if (!seen.has(gauge.name)) family.reset();
      seen.add(gauge.name);
      family.set(gauge.labels, gauge.value);
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const countKey = (name: string, labels: Record<string, string>): string =>
  `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Help texts of the families the processes export (one place, so the dashboard and the code agree). */
const HELP: Record<string, string> = {
  http_request_duration_seconds: 'HTTP request latency by method, express route pattern and status',
  livechat_socket_connections: 'Open socket.io connections by livechat namespace',
  bullmq_queue_jobs: 'Jobs per BullMQ queue and state (read at scrape)',
  bullmq_jobs_total: 'Jobs finished by this worker process, by queue and outcome',
  bullmq_job_duration_seconds: 'Processing time of jobs by queue and outcome',
  cases_received_total: 'Complaints that became new cases, by channel',
  cases_open: 'Open cases by status and department (aggregate cached ~30 s)',
  deadline_checks_total: 'Deadline checks by kind (reminder, breach, cap) and outcome',
  classifier_abstentions_total: 'New cases the classifier sent to triage, by channel',
  ocr_pages_total: 'Postal scan pages read by OCR, by letter outcome',
  mail_messages_total: 'Mails handled by the poller, by mailbox and outcome',
  mail_syncs_total: 'Mailbox syncs run',
  mail_session_failures_total: 'IMAP sessions that failed',
  mail_sync_lag_seconds: 'Seconds since the last completed sync of the mailbox',
};
