import { useEffect, useRef, useState } from 'preact/hooks';
import type { CaseView } from '../../api/types';
import { useConsole } from '../../app/context';
import { formatDateTime, percent } from '../../form-kit/format';
import { useCaseEvents } from '../live-updates/case-events';
import { CaseActions } from './CaseActions';
import { CaseJournal } from './CaseJournal';
import { SurveyLink } from './SurveyLink';

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
  // Someone else changed this case (another member of staff, a worker, the customer): read it again.
  const shownVersion = c?.version;
  useCaseEvents((e) => {
    if (e === 'reconnected' || (e.caseNumber === caseNumber && (shownVersion === undefined || e.version > shownVersion)))
      setVersion((n) => n + 1);
  });

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
        <dt>Handled by</dt>
        <dd>
          {c.owner ? c.owner.name : c.status === 'routed' ? 'nobody yet (in the department queue)' : 'nobody'}
          {c.collaborators?.length ? `; with ${c.collaborators.join(', ')}` : ''}
          {c.escalated ? ' · escalated to supervisors' : ''}
        </dd>
        <dt>Verified</dt>
        <dd>
          {c.verification
            ? `by ${c.verification.by.name} (${c.verification.how})${c.verification.customerRequest ? ` — asks: ${c.verification.customerRequest}` : ''}`
            : 'not yet'}
        </dd>
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
      {c.report && (
        <section class="report" aria-label="The department's result">
          <h4>Result reported by {c.report.by.name}</h4>
          <dl>
            <dt>Findings</dt>
            <dd>{c.report.findings}</dd>
            <dt>Cause</dt>
            <dd>{c.report.cause}</dd>
            <dt>Remedy</dt>
            <dd>{c.report.remedy}</dd>
            {c.report.tellCustomer && (
              <>
                <dt>Tell the customer</dt>
                <dd>{c.report.tellCustomer}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      <SenderAlerts c={c} />
      {c.answer?.delivery?.status === 'failed' && (
        <p class="error" role="alert" id="delivery-failed">
          Delivery of the answer via {c.answer.delivery.via} failed for good: {c.answer.delivery.reason ?? 'no reason given'}. Deliver it
          again (below), on another channel if need be, or reach the customer another way and note it.
        </p>
      )}
      {c.answer && (
        <section class="answer" aria-label="The answer">
          <h4>
            Answer ({c.answer.written ? 'written' : 'not written'}, {c.answer.status.replace('_', ' ')}
            {c.answer.delivery ? `; delivery via ${c.answer.delivery.via}: ${c.answer.delivery.status.replace('_', ' ')}` : ''})
          </h4>
          <pre class="body">{c.answer.text}</pre>
        </section>
      )}
      {c.status === 'closed' && <SurveyLink caseNumber={c.caseNumber} version={c.version ?? 0} />}
      <CaseActions key={`${c.status}-${c.version ?? 0}`} c={c} onDone={refresh} />
      <CaseJournal c={c} />
    </article>
  );
}

/** Joined emails a person must check (sender not the customer, failed authentication): replies never go to them. */
function SenderAlerts({ c }: { c: CaseView }) {
  const open = (c.senderAlerts ?? []).filter((a) => !a.reviewedAt);
  if (!open.length) return null;
  return (
    <section class="error" role="alert" id="sender-alerts" aria-label="Flagged emails">
      <h4>Check before trusting: {open.length} flagged email(s)</h4>
      <ul>
        {open.map((a) => (
          <li key={a.key} data-from={a.from}>
            From {a.from}
            {a.replyTo && a.replyTo !== a.from ? ` (Reply-To ${a.replyTo})` : ''}:{' '}
            {a.reasons
              .map((r) =>
                r === 'sender_not_customer'
                  ? 'not the case’s customer'
                  : `failed authentication (SPF ${a.authentication?.spf ?? '?'}, DKIM ${a.authentication?.dkim ?? '?'}, DMARC ${a.authentication?.dmarc ?? '?'})`,
              )
              .join('; ')}
          </li>
        ))}
      </ul>
      <p class="hint">Replies still go to {c.customer?.email ?? 'no address'}; confirm any change with the customer below.</p>
    </section>
  );
}
