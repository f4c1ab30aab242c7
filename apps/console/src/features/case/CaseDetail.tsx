import { useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_DEPARTMENTS, TRIAGE } from '@cg/contracts';
import type { CaseView } from '../../api/types';
import { useConsole } from '../../app/context';
import { formatDateTime, percent } from '../../shared/format';

/** One case: who, what, classification, both deadlines with the days not counted, the journal. */
export function CaseDetail({ caseNumber, onChanged }: { caseNumber: string; onChanged: () => void }) {
  const { api } = useConsole();
  const [c, setCase] = useState<CaseView | null>(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const box = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    api
      .getCase(caseNumber)
      .then((v) => live && (setCase(v), setError('')))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [api, caseNumber, version]);
  useEffect(() => box.current?.scrollIntoView({ block: 'nearest' }), [caseNumber]);

  const refresh = () => {
    setVersion((n) => n + 1);
    onChanged();
  };

  if (error)
    return (
      <article id="case-detail" ref={box}>
        <p class="error">{error}</p>
      </article>
    );
  if (!c)
    return (
      <article id="case-detail" ref={box} aria-busy="true">
        <p>Loading…</p>
      </article>
    );

  const d = c.deadlines ?? {};
  const skipped = d.explanation?.skipped ?? [];
  const cls = c.classification;
  return (
    <article id="case-detail" ref={box} aria-labelledby="case-title">
      <h3 id="case-title">
        {c.caseNumber} · {c.subject || c.channel}
      </h3>
      <dl>
        <dt>Status</dt>
        <dd>
          {c.status} ({c.department}, priority {c.priority})
        </dd>
        <dt>Customer</dt>
        <dd>{[c.customer?.name, c.customer?.phone, c.customer?.email, c.customer?.customerId].filter(Boolean).join(' · ')}</dd>
        <dt>Received</dt>
        <dd>
          {formatDateTime(c.receivedAt)} via {c.channel}
        </dd>
        <dt>Classification</dt>
        <dd>
          {cls
            ? `${cls.department} ${percent(cls.confidence)} by ${cls.method}` +
              (cls.runnerUp ? `; runner-up ${cls.runnerUp.department} ${percent(cls.runnerUp.confidence)}` : '')
            : ''}
        </dd>
        <dt>Evidence</dt>
        <dd>{(cls?.evidence ?? []).join(', ')}</dd>
        <dt>Answer due</dt>
        <dd>{d.target ? `${d.target.dueDate} 24:00 (${d.target.workingDays ?? ''} working days)` : ''}</dd>
        <dt>Legal limit</dt>
        <dd>{d.cap ? `${d.cap.dueDate} 24:00` : ''}</dd>
        <dt>Days not counted</dt>
        <dd>
          <details>
            <summary>{skipped.length} days</summary>
            <ul>
              {skipped.map((s) => (
                <li key={s.date}>
                  {s.date} — {s.reason}
                </li>
              ))}
            </ul>
          </details>
        </dd>
      </dl>
      <pre class="body">{c.bodyText}</pre>
      <CaseActions c={c} onDone={refresh} />
      <h4>Handling journal</h4>
      <ol class="journal">
        {c.journal.map((j, i) => (
          <li key={i}>
            <time dateTime={j.at}>{formatDateTime(j.at)}</time>
            {j.message}
            {j.actor?.name ? ` — ${j.actor.name}` : ''}
          </li>
        ))}
      </ol>
    </article>
  );
}

/** What the signed-in role may do to this case now: move it to a department, extend its target. */
function CaseActions({ c, onDone }: { c: CaseView; onDone: () => void }) {
  const { api, canAct } = useConsole();
  const [status, setStatus] = useState('');
  const [department, setDepartment] = useState(
    c.department === TRIAGE ? (c.classification?.bestGuess ?? DEFAULT_DEPARTMENTS[0]) : c.department,
  );
  const [days, setDays] = useState('3');
  const [reason, setReason] = useState('');

  const act = (run: () => Promise<unknown>) => async () => {
    setStatus('');
    try {
      await run();
      onDone();
    } catch (err) {
      setStatus(err instanceof Error ? err.message : String(err));
    }
  };

  const canMove = canAct(c.status, 'reclassify');
  const canExtend = canAct(c.status, 'extend');
  if (!canMove && !canExtend) return null;
  return (
    <div class="row actions">
      {canMove && (
        <>
          <label>
            Department:{' '}
            <select value={department} onChange={(e) => setDepartment(e.currentTarget.value)}>
              {DEFAULT_DEPARTMENTS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={act(() => api.reclassify(c.caseNumber, department))}>
            Move
          </button>
        </>
      )}
      {canExtend && (
        <>
          <label>
            Extend by <input class="days" type="number" min="1" max="60" value={days} onInput={(e) => setDays(e.currentTarget.value)} />{' '}
            working days
          </label>
          <label>
            <span class="visually-hidden">Reason for the extension</span>
            <input class="reason" placeholder="Reason for the extension" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </label>
          <button type="button" onClick={act(() => api.extend(c.caseNumber, Number(days), reason))}>
            Extend
          </button>
        </>
      )}
      <span role="status" class="error">
        {status}
      </span>
    </div>
  );
}
