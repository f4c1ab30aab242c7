import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { REPORT_DEFAULT_DAYS, REPORTS_API_PATH, type CaseReportView, type ReportTable } from '@cg/contracts';
import { ApiError } from '../../api/client';
import { useConsole } from '../../app/context';
import { FieldError, invalid } from '../../form-kit/FieldError';
import { formatDateTime, formText } from '../../form-kit/format';
import { BarChart } from './BarChart';

const DAY = 86_400_000;
/** A Vietnam calendar day (UTC+7 all year), as the API counts them. */
const vietnamDay = (at: number) => new Date(at + 7 * 3_600_000).toISOString().slice(0, 10);

const percent = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);
const hours = (h: number | null) => (h === null ? '—' : h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days (${h.toFixed(0)} h)`);

/** Supervisors' and admins' reports: a date range, each table with its chart and its CSV. */
export function ReportsScreen() {
  const { api } = useConsole();
  const [range, setRange] = useState(() => ({
    from: vietnamDay(Date.now() - (REPORT_DEFAULT_DAYS - 1) * DAY),
    to: vietnamDay(Date.now()),
  }));
  const [report, setReport] = useState<CaseReportView | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [busy, setBusy] = useState(false);

  async function load(from: string, to: string) {
    setBusy(true);
    try {
      setReport(await api.report(from, to));
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => void load(range.from, range.to), []);

  function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget as HTMLFormElement);
    const next = { from: formText(form, 'from'), to: formText(form, 'to') };
    setRange(next);
    void load(next.from, next.to);
  }

  async function downloadCsv(ev: MouseEvent, table: ReportTable) {
    ev.preventDefault();
    if (!report) return;
    try {
      const url = URL.createObjectURL(await api.reportCsv(table, report.range.from, report.range.to));
      const a = document.createElement('a');
      a.href = url;
      a.download = `bao-cao-${table}-${report.range.from}-${report.range.to}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  const fieldErrors = error instanceof ApiError ? error.fields : [];
  const section = (table: ReportTable, title: string, body: ComponentChildren) => (
    <section class="card report" aria-labelledby={`report-${table}-title`} id={`report-${table}`}>
      <h3 id={`report-${table}-title`}>
        {title}{' '}
        {report && (
          <a
            class="csv-link"
            id={`report-${table}-csv`}
            href={`${REPORTS_API_PATH}/${table}.csv?${new URLSearchParams({ from: report.range.from, to: report.range.to }).toString()}`}
            onClick={(ev) => void downloadCsv(ev, table)}
          >
            Download CSV<span class="visually-hidden"> of {title.toLowerCase()}</span>
          </a>
        )}
      </h3>
      {body}
    </section>
  );

  return (
    <div class="reports">
      <div class="card">
        <h2>Reports</h2>
        <form id="report-range" class="row" onSubmit={submit} noValidate>
          <label>
            From{' '}
            <input
              name="from"
              type="date"
              value={range.from}
              required
              aria-invalid={invalid('from', fieldErrors)}
              aria-describedby="report-range-help report-from-error"
            />
          </label>
          <FieldError id="report-from-error" field="from" problems={fieldErrors} />
          <label>
            To{' '}
            <input
              name="to"
              type="date"
              value={range.to}
              required
              aria-invalid={invalid('to', fieldErrors)}
              aria-describedby="report-to-error"
            />
          </label>
          <FieldError id="report-to-error" field="to" problems={fieldErrors} />
          <button type="submit" disabled={busy}>
            Show
          </button>
        </form>
        <p id="report-range-help" class="hint">
          Cases received on these days (Vietnam time, both days included; at most 366 days). Open cases and overdue counts are as of now.
        </p>
        <div aria-live="polite">
          {busy && <p>Computing the report…</p>}
          {error && !fieldErrors.length && (
            <p class="error" role="alert">
              {error.message}
            </p>
          )}
          {report && !busy && (
            <p id="report-summary">
              <strong>{report.cases}</strong> cases received from {report.range.from} to {report.range.to}; computed{' '}
              {formatDateTime(report.generatedAt)}.
            </p>
          )}
        </div>
      </div>
      {report && <ReportTables report={report} section={section} />}
    </div>
  );
}

function ReportTables({
  report,
  section,
}: {
  report: CaseReportView;
  section: (table: ReportTable, title: string, body: ComponentChildren) => ComponentChildren;
}) {
  const counts = (id: string, caption: string, keyHeader: string, rows: Array<{ key: string; count: number }>) => (
    <table id={id}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyHeader}</th>
          <th scope="col">Cases</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key}</th>
            <td>{r.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  const v = report.volume;
  return (
    <>
      {section(
        'volume-by-channel',
        'Volume by channel',
        <>
          <BarChart
            title="Cases by channel"
            labels={v.byChannel.map((r) => r.key)}
            values={v.byChannel.map((r) => r.count)}
            describedBy="t-channel"
          />
          {counts('t-channel', 'Cases received, by channel', 'Channel', v.byChannel)}
        </>,
      )}
      {section(
        'volume-by-department',
        'Volume by department',
        <>
          <BarChart
            title="Cases by department"
            labels={v.byDepartment.map((r) => r.key)}
            values={v.byDepartment.map((r) => r.count)}
            describedBy="t-department"
            horizontal
          />
          {counts('t-department', 'Cases received, by the department they are in now', 'Department', v.byDepartment)}
        </>,
      )}
      {section(
        'volume-by-week',
        'Volume by week',
        <>
          <BarChart
            title="Cases by ISO week"
            labels={v.byWeek.map((r) => r.key)}
            values={v.byWeek.map((r) => r.count)}
            describedBy="t-week"
          />
          {counts('t-week', 'Cases received, by ISO week of receipt', 'Week', v.byWeek)}
        </>,
      )}
      {section(
        'deadlines',
        'Answered within the deadlines',
        <table id="t-deadlines">
          <caption>First answers against the target and the legal cap (decided = answered, or unanswered past the deadline)</caption>
          <thead>
            <tr>
              <th scope="col">Deadline</th>
              <th scope="col">Answered within</th>
              <th scope="col">Answered late</th>
              <th scope="col">Open, overdue</th>
              <th scope="col">Open, not yet due</th>
              <th scope="col">Share within</th>
            </tr>
          </thead>
          <tbody>
            {report.deadlines.map((d) => (
              <tr key={d.deadline}>
                <th scope="row">{d.deadline === 'target' ? 'Target' : 'Legal cap'}</th>
                <td>{d.answeredWithin}</td>
                <td>{d.answeredLate}</td>
                <td>{d.openOverdue}</td>
                <td>{d.openNotDue}</td>
                <td>
                  {percent(d.share)} <small>of {d.decided}</small>
                </td>
              </tr>
            ))}
          </tbody>
        </table>,
      )}
      {section(
        'breaches',
        'Breaches',
        <table id="t-breaches">
          <caption>Deadlines missed: answered after them, or still unanswered past them</caption>
          <thead>
            <tr>
              <th scope="col">Deadline</th>
              <th scope="col">Answered late</th>
              <th scope="col">Open, overdue</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {report.breaches.map((b) => (
              <tr key={b.deadline}>
                <th scope="row">{b.deadline === 'target' ? 'Target' : 'Legal cap'}</th>
                <td>{b.answeredLate}</td>
                <td>{b.openOverdue}</td>
                <td>{b.total}</td>
              </tr>
            ))}
          </tbody>
        </table>,
      )}
      {section(
        'time-to-answer',
        'Time to answer',
        <table id="t-time">
          <caption>From receipt to the first answer (delivered, or resolved during the contact)</caption>
          <tbody>
            <tr>
              <th scope="row">Cases answered</th>
              <td>{report.timeToAnswer.answered}</td>
            </tr>
            <tr>
              <th scope="row">Median time to answer</th>
              <td>{hours(report.timeToAnswer.medianHours)}</td>
            </tr>
          </tbody>
        </table>,
      )}
      {section(
        'open-by-age',
        'Open cases by age',
        <>
          <BarChart
            title="Open cases by age"
            labels={report.openByAge.map((b) => b.label)}
            values={report.openByAge.map((b) => b.count)}
            describedBy="t-age"
          />
          <table id="t-age">
            <caption>Cases of the range still open now, by days since receipt</caption>
            <thead>
              <tr>
                <th scope="col">Age</th>
                <th scope="col">Open cases</th>
              </tr>
            </thead>
            <tbody>
              {report.openByAge.map((b) => (
                <tr key={b.bucket}>
                  <th scope="row">{b.label}</th>
                  <td>{b.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>,
      )}
      {section(
        'root-causes',
        'Root causes',
        <>
          {report.rootCauses.length > 0 && (
            <BarChart
              title="Closed cases by root cause"
              labels={report.rootCauses.map((r) => r.category)}
              values={report.rootCauses.map((r) => r.count)}
              describedBy="t-causes"
              horizontal
            />
          )}
          <table id="t-causes">
            <caption>Closed cases by root cause, most frequent first</caption>
            <thead>
              <tr>
                <th scope="col">Root cause</th>
                <th scope="col">Closed cases</th>
                <th scope="col">Share</th>
              </tr>
            </thead>
            <tbody>
              {report.rootCauses.length === 0 && (
                <tr>
                  <td colSpan={3}>No case of this range was closed yet.</td>
                </tr>
              )}
              {report.rootCauses.map((r) => (
                <tr key={r.category}>
                  <th scope="row">{r.category}</th>
                  <td>{r.count}</td>
                  <td>{percent(r.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>,
      )}
      {section(
        'satisfaction',
        'Satisfaction',
        <>
          <p>
            Average rating{' '}
            <strong id="report-average-rating">
              {report.satisfaction.averageRating === null ? '—' : `${report.satisfaction.averageRating} / 5`}
            </strong>{' '}
            from {report.satisfaction.responses} {report.satisfaction.responses === 1 ? 'survey' : 'surveys'}.
          </p>
          <BarChart
            title="Survey answers by rating"
            labels={report.satisfaction.byRating.map((r) => `${r.rating} / 5`)}
            values={report.satisfaction.byRating.map((r) => r.count)}
            describedBy="t-satisfaction"
          />
          <table id="t-satisfaction">
            <caption>Satisfaction surveys answered, by rating (1 = very unsatisfied, 5 = very satisfied)</caption>
            <thead>
              <tr>
                <th scope="col">Rating</th>
                <th scope="col">Answers</th>
              </tr>
            </thead>
            <tbody>
              {report.satisfaction.byRating.map((r) => (
                <tr key={r.rating}>
                  <th scope="row">{r.rating}</th>
                  <td>{r.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>,
      )}
    </>
  );
}
