import { useCallback, useEffect, useState } from 'preact/hooks';
import { CASE_STATUSES, CHANNELS, DEFAULT_DEPARTMENTS, TRIAGE } from '@cg/contracts';
import type { CasePage, CaseListQuery } from '../../api/types';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref, navigate } from '../../app/router';
import { formatDateTime, formText } from '../../shared/format';
import { CaseDetail } from '../case/CaseDetail';

type Filters = Omit<CaseListQuery, 'page' | 'pageSize'>;
const PAGE_SIZE = 20;

/** The case queues: by department (triage included), status, channel, escalation or text. */
export function CaseQueues({ caseNumber }: { caseNumber?: string }) {
  const { api } = useConsole();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [list, setList] = useState<CasePage | null>(null);
  const [error, setError] = useState('');
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    api
      .listCases({ ...filters, page, pageSize: PAGE_SIZE })
      .then((l) => live && (setList(l), setError('')))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [api, filters, page, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget as HTMLFormElement);
    const text = (k: string) => formText(f, k).trim() || undefined;
    setFilters({
      department: text('department'),
      status: text('status'),
      channel: text('channel'),
      q: text('q'),
      escalated: f.get('escalated') === 'true',
    });
    setPage(1);
    reload();
  }

  return (
    <div class="card">
      <h2 class="visually-hidden">Cases</h2>
      <form id="filters" class="row" role="search" aria-label="Filter cases" onSubmit={submit}>
        <label>
          <span class="visually-hidden">Department</span>
          <select name="department">
            <option value="">All departments</option>
            {[TRIAGE, ...DEFAULT_DEPARTMENTS].map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Status</span>
          <select name="status">
            <option value="">Any status</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span class="visually-hidden">Channel</span>
          <select name="channel">
            <option value="">Any channel</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" name="escalated" value="true" /> escalated
        </label>
        <label class="grow">
          <span class="visually-hidden">Search</span>
          <input name="q" type="search" placeholder="Search (with or without diacritics)" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <table id="case-table">
        <caption class="visually-hidden">Cases, newest first; open one to read it</caption>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Received</th>
            <th scope="col">Channel</th>
            <th scope="col">Customer</th>
            <th scope="col">Department</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">Due</th>
          </tr>
        </thead>
        <tbody>
          {error ? (
            <tr>
              <td colSpan={8} class="error">
                {error}
              </td>
            </tr>
          ) : (
            list?.items.map((c) => {
              const route = { screen: 'cases', caseNumber: c.caseNumber } as const;
              return (
                <tr key={c.caseNumber} aria-current={c.caseNumber === caseNumber ? 'true' : undefined} onClick={() => navigate(route)}>
                  <td>
                    <a href={routeHref(route)} onClick={onLinkClick(route)}>
                      {c.caseNumber}
                    </a>
                  </td>
                  <td>{formatDateTime(c.receivedAt)}</td>
                  <td>{c.channel}</td>
                  <td>{[c.customer?.name, c.customer?.phone || c.customer?.email].filter(Boolean).join(' · ')}</td>
                  <td>
                    <span class={`badge ${c.department}`}>{c.department}</span>
                  </td>
                  <td>
                    <span class={`badge ${c.status}`}>{c.status}</span>
                    {c.escalated && <span class="badge escalated">escalated</span>}
                  </td>
                  <td>
                    <span class={`badge ${c.priority}`}>{c.priority}</span>
                  </td>
                  <td>{c.deadlines?.target?.dueDate ?? ''}</td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
      <div class="row">
        <button type="button" id="prev" disabled={!list || list.page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>
          ‹ Previous
        </button>
        <span id="page-info" aria-live="polite">
          {list ? ` page ${list.page} of ${Math.max(1, list.totalPages)} (${list.total} cases) ` : ''}
        </span>
        <button type="button" id="next" disabled={!list || list.page >= list.totalPages} onClick={() => setPage((p) => p + 1)}>
          Next ›
        </button>
      </div>
      {caseNumber && <CaseDetail key={caseNumber} caseNumber={caseNumber} onChanged={reload} />}
    </div>
  );
}
