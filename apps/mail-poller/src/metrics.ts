/** Counters and gauges of the poller, rendered in the Prometheus text format on /metrics. */
export class PollerMetrics {
  private readonly counters = new Map<string, number>();

  inc(name: string, labels: Record<string, string>, by = 1): void {
    const key = `${name}${renderLabels(labels)}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  get(name: string, labels: Record<string, string>): number {
    return this.counters.get(`${name}${renderLabels(labels)}`) ?? 0;
  }

  render(gauges: Array<{ name: string; labels: Record<string, string>; value: number }>): string {
    const lines: string[] = [];
    for (const [key, value] of this.counters) lines.push(`${key} ${value}`);
    for (const g of gauges) lines.push(`${g.name}${renderLabels(g.labels)} ${g.value}`);
    return `${lines.sort().join('\n')}\n`;
  }
}

function renderLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
