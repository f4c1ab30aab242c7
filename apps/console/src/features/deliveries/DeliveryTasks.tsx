import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { CALLBACK_OUTCOMES } from '@cg/contracts';
import type { DeliveryTask } from '../../api/types';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref, type Route } from '../../app/router';
import { formatDateTime, formText } from '../../form-kit/format';
import { ActionForm, Choices, Field } from '../case/ActionForm';
import { useCaseEvents } from '../live-updates/case-events';
import type { DeliveryTaskKind } from '../queues/work-lists';
import { FailedDeliveries } from './FailedDeliveries';

const OUTCOME_LABELS: Record<(typeof CALLBACK_OUTCOMES)[number], string> = {
  reached: 'Reached: the customer heard the answer',
  not_reached: 'Not reached (try again later)',
};

/**
 * The deliveries step 4 leaves for a person: hotline callbacks (read the answer to the customer,
 * record how the call went) and signed letters to post (print, post, record the date). Follows
 * case changes live, like the case lists.
 */
export function DeliveryTasks({ kind, caseRoute }: { kind: DeliveryTaskKind; caseRoute: (caseNumber: string) => Route }) {
  if (kind === 'failures') return <FailedDeliveries caseRoute={caseRoute} />;
  return <PersonTasks kind={kind} caseRoute={caseRoute} />;
}

function PersonTasks({ kind, caseRoute }: { kind: 'callbacks' | 'letters'; caseRoute: (caseNumber: string) => Route }) {
  const { api } = useConsole();
  const [items, setItems] = useState<DeliveryTask[] | null>(null);
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
    (kind === 'callbacks' ? api.callbacks() : api.outgoingLetters())
      .then((r) => live && (setItems(r.items), setError('')))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [api, kind, reloads]);

  async function saveLetter(caseNumber: string) {
    const url = URL.createObjectURL(await api.answerLetter(caseNumber));
    const a = document.createElement('a');
    a.href = url;
    a.download = `tra-loi-khieu-nai-${caseNumber}.pdf`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!items) return <p aria-busy="true">Loading…</p>;
  if (items.length === 0)
    return <p class="hint">Nothing to {kind === 'callbacks' ? 'call back' : 'post'} right now: new tasks appear by themselves.</p>;
  return (
    <ul class="tasks" id={`tasks-${kind}`}>
      {items.map((t) => {
        const r = caseRoute(t.caseNumber);
        return (
          <li key={t.caseNumber} data-case={t.caseNumber} class="task">
            <h3>
              <a href={routeHref(r)} onClick={onLinkClick(r)}>
                {t.caseNumber}
              </a>{' '}
              · {[t.customer?.name, kind === 'callbacks' ? t.customer?.phone : undefined].filter(Boolean).join(' · ')}
            </h3>
            <p class="hint">
              Requested {formatDateTime(t.requestedAt)}
              {t.callbackAttempts ? ` · ${t.callbackAttempts} attempt(s); last: ${t.lastNote ?? ''}` : ''}
            </p>
            {kind === 'callbacks' && t.answerText && <pre class="body">{t.answerText}</pre>}
            {kind === 'callbacks' ? (
              <ActionForm
                id={`callback-${t.caseNumber}`}
                title="Record the call"
                submitLabel="Record the call"
                open
                send={(f) =>
                  api.callbackOutcome(t.caseNumber, {
                    outcome: formText(f, 'outcome') as (typeof CALLBACK_OUTCOMES)[number],
                    note: formText(f, 'note'),
                  })
                }
                onDone={reload}
              >
                {(fp) => (
                  <>
                    <Choices
                      f={fp}
                      name="outcome"
                      legend="How did the call go?"
                      type="radio"
                      options={CALLBACK_OUTCOMES.map((o) => ({ value: o, label: OUTCOME_LABELS[o] }))}
                    />
                    <Field f={fp} name="note" label="What was said (or why nobody answered)" kind="textarea" required />
                  </>
                )}
              </ActionForm>
            ) : (
              <>
                {t.letterUrl && (
                  <button type="button" class="link" onClick={() => void saveLetter(t.caseNumber).catch((e: Error) => setError(e.message))}>
                    Download the signed letter (PDF)
                  </button>
                )}
                <ActionForm
                  id={`mailed-${t.caseNumber}`}
                  title="Record the mailing"
                  submitLabel="Posted"
                  open
                  send={(f) => api.mailed(t.caseNumber, formText(f, 'mailedOn') || undefined)}
                  onDone={reload}
                >
                  {(fp) => <Field f={fp} name="mailedOn" label="Posted on (empty: today)" type="date" />}
                </ActionForm>
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
