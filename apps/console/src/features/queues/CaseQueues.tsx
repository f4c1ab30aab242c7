import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { CASE_NUMBER_PATTERN, CASE_STATUSES, CHANNELS, DEFAULT_DEPARTMENTS, TRIAGE } from '@cg/contracts';
import type { CasePage } from '../../api/types';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref, navigate, type Route } from '../../app/router';
import { formatDateTime, formText } from '../../form-kit/format';
import { CaseDetail } from '../case/CaseDetail';
import { useCaseEvents } from '../live-updates/case-events';
import { DeliveryTasks } from '../deliveries/DeliveryTasks';
import { ROLE_WORK_LISTS, tasksOf, WORK_LISTS, type CaseFilters } from './work-lists';

const PAGE_SIZE = 20;
/** Several changes in a burst (a worker routing a batch) read the list once. */
const RELOAD_AFTER_MS = 300;

type CasesRoute = Extract<Route, { screen: 'cases' }>;

/**
 * The case queues: the role's work lists (its home list first), any filter by department
 * (triage included), status, channel, escalation or text, and a case found by its number. The
 * list and the open case follow changes live.
 */
export function CaseQueues({ route }: { route: CasesRoute }) {
  const { api, session } = useConsole();
  const lists = ROLE_WORK_LISTS[session.staff.role];
  const listId = route.list ?? (route.filters ? undefined : lists[0]);
  const filters: CaseFilters = route.filters ?? (listId ? WORK_LISTS[listId].query : {});
  const filterKey = JSON.stringify(filters);
  const caseNumber = route.caseNumber;
  const tasks = tasksOf(listId);
  const here = (extra: Partial<CasesRoute>): CasesRoute => ({
    screen: 'cases',
    ...(listId ? { list: listId } : route.filters ? { filters: route.filters } : {}),
    ...extra,
  });
  // Keyset pages: the cursor of each page read so far (the first page has none); the last is shown.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [list, setList] = useState<CasePage | null>(null);
  const [error, setError] = useState('');
  const [reloads, setReloads] = useState(0);
  const [findError, setFindError] = useState('');
  useEffect(() => setCursors([undefined]), [filterKey]);

  useEffect(() => {
    if (tasks) return;
    let live = true;
    api
      .listCases({ ...filters, ...(cursor ? { cursor } : {}), pageSize: PAGE_SIZE })
      .then((l) => live && (setList(l), setError('')))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
    // filterKey stands for filters (a new object on every render).
  }, [api, filterKey, cursor, reloads, tasks]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(pending.current), []);
  // New work appears without reloading the page: any change may add a case to this list or take one off.
  useCaseEvents(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(reload, RELOAD_AFTER_MS);
  });

  function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget as HTMLFormElement);
    const text = (k: string) => formText(f, k).trim() || undefined;
    const chosen: CaseFilters = {
      ...(text('department') ? { department: text('department') } : {}),
      ...(text('status') ? { status: text('status') } : {}),
      ...(text('channel') ? { channel: text('channel') } : {}),
      ...(text('q') ? { q: text('q') } : {}),
      ...(f.get('escalated') === 'true' ? { escalated: true } : {}),
    };
    navigate({
      screen: 'cases',
      ...(caseNumber ? { caseNumber } : {}),
      ...(Object.keys(chosen).length ? { filters: chosen } : { list: 'all' }),
    });
    reload();
  }

  function find(ev: SubmitEvent) {
    ev.preventDefault();
    const wanted = formText(new FormData(ev.currentTarget as HTMLFormElement), 'caseNumber')
      .trim()
      .toUpperCase();
    if (!CASE_NUMBER_PATTERN.test(wanted)) {
      setFindError('A case number looks like KN26-00042.');
      return;
    }
    setFindError('');
    navigate(here({ caseNumber: wanted }));
  }

  return (
    <div class="card">
      <h2 class="visually-hidden">Cases</h2>
      <div class="row lists-bar">
        <nav aria-label="Work lists" class="work-lists">
          {lists.map((id) => {
            const r: CasesRoute = { screen: 'cases', list: id };
            return (
              <a key={id} id={`list-${id}`} href={routeHref(r)} aria-current={id === listId ? 'page' : undefined} onClick={onLinkClick(r)}>
                {WORK_LISTS[id].label}
              </a>
            );
          })}
        </nav>
        <form id="find-case" class="row" role="search" aria-label="Find a case by number" onSubmit={find} noValidate>
          <label>
            <span class="visually-hidden">Case number</span>
            <input
              name="caseNumber"
              placeholder="KN26-00042"
              aria-invalid={findError ? true : undefined}
              aria-describedby="find-case-error"
              autocomplete="off"
            />
          </label>
          <button type="submit">Find case</button>
          <small id="find-case-error" class="field-error" role="alert">
            {findError}
          </small>
        </form>
      </div>
      <p class="hint" id="list-hint">
        {listId ? `${WORK_LISTS[listId].label}: ${WORK_LISTS[listId].hint}` : 'Filtered list'}
      </p>
      {tasks ? (
        <DeliveryTasks kind={tasks} caseRoute={(n) => here({ caseNumber: n })} />
      ) : (
        <>
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
            <caption class="visually-hidden">
              {listId ? WORK_LISTS[listId].label : 'Filtered cases'}, {filters.sort === 'deadline' ? 'most urgent first' : 'newest first'};
              open one to read it
            </caption>
            <thead>
              <tr>
                <th scope="col">Case</th>
                <th scope="col">Received</th>
                <th scope="col">Channel</th>
                <th scope="col">Customer</th>
                <th scope="col">Department</th>
                <th scope="col">Status</th>
                <th scope="col">Owner</th>
                <th scope="col">Priority</th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {error ? (
                <tr>
                  <td colSpan={9} class="error">
                    {error}
                  </td>
                </tr>
              ) : list?.items.length === 0 ? (
                <tr>
                  <td colSpan={9} class="hint">
                    Nothing here right now: new work appears by itself.
                  </td>
                </tr>
              ) : (
                list?.items.map((c) => {
                  const r = here({ caseNumber: c.caseNumber });
                  return (
                    <tr key={c.caseNumber} aria-current={c.caseNumber === caseNumber ? 'true' : undefined} onClick={() => navigate(r)}>
                      <td>
                        <a href={routeHref(r)} onClick={onLinkClick(r)}>
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
                      <td>{c.owner?.name ?? ''}</td>
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
            <button
              type="button"
              id="prev"
              disabled={cursors.length <= 1}
              onClick={() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c))}
            >
              ‹ Previous
            </button>
            <span id="page-info" aria-live="polite">
              {list ? ` page ${cursors.length}${list.nextCursor ? '' : ' (last)'} ` : ''}
            </span>
            <button
              type="button"
              id="next"
              disabled={!list?.nextCursor}
              onClick={() => list?.nextCursor && setCursors((c) => [...c, list.nextCursor ?? undefined])}
            >
              Next ›
            </button>
          </div>
        </>
      )}
      {caseNumber && <CaseDetail key={caseNumber} caseNumber={caseNumber} onChanged={reload} />}
    </div>
  );
}
