import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { FailedDeliveries as Failures } from '../../api/types';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref, type Route } from '../../app/router';
import { formatDateTime, formText } from '../../form-kit/format';
import { ActionForm, Field } from '../case/ActionForm';
import { useCaseEvents } from '../live-updates/case-events';

/**
 * What failed for good and waits for a person (GET /api/v1/deliveries/failed): answers whose
 * delivery failed — deliver again, on the same or another channel — and emails (replies,
 * receipts, answers) refused for good or out of retries. Follows case changes live.
 */
export function FailedDeliveries({ caseRoute }: { caseRoute: (caseNumber: string) => Route }) {
  const { api } = useConsole();
  const [data, setData] = useState<Failures | null>(null);
  const [error, setError] = useState('');
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const pending = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(pending.current), []);
  useCaseEvents(() => {
    clearTimeout(pending.current);
    pending.current = setTimeout(reload, 300);
  });
  useEffect(() => {
    let live = true;
    api
      .failedDeliveries()
      .then((r) => live && (setData(r), setError('')))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [api, reloads]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!data) return <p aria-busy="true">Loading…</p>;
  const link = (n: string | undefined) => {
    if (!n) return <span>(no case)</span>;
    const r = caseRoute(n);
    return (
      <a href={routeHref(r)} onClick={onLinkClick(r)}>
        {n}
      </a>
    );
  };
  return (
    <div id="failures">
      <h3 id="failed-answers-title">Answers not delivered ({data.answers.length})</h3>
      {data.answers.length === 0 ? (
        <p class="hint">No failed answer deliveries.</p>
      ) : (
        <ul class="tasks" aria-labelledby="failed-answers-title">
          {data.answers.map((t) => (
            <li key={t.caseNumber} data-case={t.caseNumber} class="task">
              <h4>
                {link(t.caseNumber)} · {[t.customer?.name, t.customer?.email ?? t.customer?.phone].filter(Boolean).join(' · ')}
              </h4>
              <p class="error">
                Via {t.via}: {t.reason ?? 'failed'} (requested {formatDateTime(t.requestedAt)})
              </p>
              <ActionForm
                id={`deliver-again-${t.caseNumber}`}
                title="Deliver again"
                submitLabel="Deliver again"
                send={(f) => {
                  const via = formText(f, 'via');
                  const note = formText(f, 'note').trim();
                  return api.caseAction(t.caseNumber, 'deliver-again', {
                    ...(via ? { via: via as 'email' | 'livechat' | 'hotline' | 'postal' } : {}),
                    ...(note ? { note } : {}),
                  });
                }}
                onDone={reload}
              >
                {(fp) => (
                  <>
                    <Field
                      f={fp}
                      name="via"
                      label="Via"
                      kind="select"
                      options={['', 'email', 'livechat', 'hotline', 'postal'].map((v) => ({
                        value: v,
                        label: v || `the same (${t.via ?? ''})`,
                      }))}
                    />
                    <Field f={fp} name="note" label="Note (optional)" />
                  </>
                )}
              </ActionForm>
            </li>
          ))}
        </ul>
      )}
      <h3 id="failed-mail-title">Emails not sent ({data.mail.length})</h3>
      {data.mail.length === 0 ? (
        <p class="hint">No failed emails.</p>
      ) : (
        <table aria-labelledby="failed-mail-title" id="failed-mail">
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">What</th>
              <th scope="col">To</th>
              <th scope="col">Why</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {data.mail.map((m) => (
              <tr key={m.outboundId} data-case={m.caseNumber}>
                <td>{link(m.caseNumber)}</td>
                <td>
                  {m.kind}: {m.subject}
                </td>
                <td>{m.to}</td>
                <td>{m.reason}</td>
                <td>{formatDateTime(m.failedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
