import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';

// Only what a bar chart uses: chart.js is tree-shaken to these parts.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarChartProps {
  /** What is counted, e.g. "Cases by channel": the canvas's accessible name begins with it. */
  title: string;
  labels: string[];
  values: number[];
  /** The id of the table holding the same figures (the chart's long description). */
  describedBy: string;
  horizontal?: boolean;
}

/**
 * A bar chart (chart.js on a canvas). The canvas is an image to assistive technology whose name
 * reads out every bar, and points at the table with the same figures; the canvas's fallback
 * content says the same for browsers without canvas.
 */
export function BarChart({ title, labels, values, describedBy, horizontal = false }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const alt = `${title}: ${labels.map((l, i) => `${l} ${values[i] ?? 0}`).join(', ') || 'no data'}.`;
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: [{ label: title, data: values, backgroundColor: '#2f6db5' }] },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { tooltip: { enabled: true } },
        scales: {
          [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    return () => chart.destroy();
  }, [title, labels.join('\u0000'), values.join(','), horizontal]);
  return (
    <div
      class="report-chart"
      style={{ position: 'relative', height: horizontal ? `${Math.max(120, labels.length * 28 + 40)}px` : '220px' }}
    >
      <canvas ref={canvas} role="img" aria-label={alt} aria-describedby={describedBy}>
        {alt}
      </canvas>
    </div>
  );
}
