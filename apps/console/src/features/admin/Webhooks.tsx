import { useState } from 'preact/hooks';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpointView, type WebhookEventType } from '@cg/contracts';
import type { FieldProblem } from '../../api/types';
import { useConsole } from '../../app/context';
import { FieldError, invalid } from '../../form-kit/FieldError';
import { formatDateTime, formText } from '../../form-kit/format';
import { messageOf, problemsOf, useLoaded } from './use-admin-data';

/** Endpoints the system disabled after failing deliveries: the admin screen shows this on every section. */
export function WebhookNotice({ endpoints }: { endpoints: WebhookEndpointView[] }) {
  if (!endpoints.length) return null;
  return (
    <div class="error" role="alert" id="webhook-notice">
      <p>
        {endpoints.length === 1 ? 'A webhook endpoint was disabled' : `${endpoints.length} webhook endpoints were disabled`} after failing
        deliveries. Open Webhooks to enable it again or keep it off.
      </p>
      <ul>
        {endpoints.map((e) => (
          <li key={e.id}>
            {e.url}: {e.disabledReason} ({formatDateTime(e.disabledAt)})
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Webhooks: register endpoints for case events (the signing secret is shown once), enable or
 * disable them, rotate the secret, read the deliveries and send one again.
 */
export function Webhooks({ onChanged }: { onChanged?: () => void }) {
  const { api } = useConsole();
  const hooks = api.admin.webhooks;
  const { data, error, reload } = useLoaded(() => hooks.endpoints());
  const [selected, setSelected] = useState<string | null>(null);
  const deliveries = useLoaded(() => hooks.deliveries({ limit: 50 }));
  const [shown, setShown] = useState<{ endpointId: string | null; items: Awaited<ReturnType<typeof hooks.deliveries>>['items'] } | null>(
    null,
  );
  const [status, setStatus] = useState('');
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);

  const showDeliveries = async (endpointId: string | null) => {
    setSelected(endpointId);
    const answer = await hooks.deliveries({ ...(endpointId ? { endpointId } : {}), limit: 50 });
    setShown({ endpointId, items: answer.items });
  };

  const run = async (work: () => Promise<string>) => {
    try {
      setStatus(await work());
      setProblems([]);
      reload();
      onChanged?.();
      if (shown) await showDeliveries(selected);
      else deliveries.reload();
    } catch (err) {
      setStatus(messageOf(err));
      setProblems(problemsOf(err));
    }
  };

  async function register(ev: SubmitEvent) {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const events = WEBHOOK_EVENT_TYPES.filter((t) => f.get(`event-${t}`) === 'on');
    await run(async () => {
      const description = formText(f, 'description').trim();
      const created = await hooks.create({ url: formText(f, 'url').trim(), events, ...(description ? { description } : {}) });
      setSecret({ url: created.endpoint.url, secret: created.secret });
      form.reset();
      return `Registered ${created.endpoint.url}.`;
    });
  }

  const items = shown?.items ?? deliveries.data?.items ?? [];
  const urlOf = (id: string) => data?.items.find((e) => e.id === id)?.url ?? id;

  return (
    <div class="card">
      <h2>Webhooks</h2>
      <p>
        Case events (received, routed, escalated, answered, closed, reopened) are sent to these endpoints, signed with each endpoint’s
        secret (header X-CG-Signature: t=…,v1=HMAC-SHA256 of “t.body”). Failed deliveries are retried with growing waits; an endpoint whose
        deliveries keep failing is disabled.
      </p>
      {data && <WebhookNotice endpoints={data.needingAttention} />}
      <div aria-live="polite" id="webhooks-status">
        {(status || error) && <p class={error ? 'error' : 'notice'}>{error || status}</p>}
        {secret && (
          <p class="notice" id="webhook-secret">
            Signing secret of {secret.url} — copy it now, it is not shown again: <code>{secret.secret}</code>{' '}
            <button type="button" onClick={() => setSecret(null)}>
              I have copied it
            </button>
          </p>
        )}
      </div>
      <table id="webhook-table">
        <caption>Registered endpoints</caption>
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Events</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((e) => (
            <tr key={e.id} data-url={e.url}>
              <td>
                {e.url}
                {e.description ? ` (${e.description})` : ''}
              </td>
              <td>{e.events.join(', ')}</td>
              <td>
                {e.enabled ? 'enabled' : `disabled${e.disabledReason ? `: ${e.disabledReason}` : ''}`}
                {e.enabled && e.consecutiveFailures > 0 ? ` (${e.consecutiveFailures} failed in a row)` : ''}
              </td>
              <td class="row">
                <button
                  type="button"
                  aria-label={`${e.enabled ? 'Disable' : 'Enable'} ${e.url}`}
                  onClick={() =>
                    run(async () => {
                      const changed = await hooks.change(e.id, { enabled: !e.enabled });
                      return `${changed.url} is ${changed.enabled ? 'enabled' : 'disabled'}.`;
                    })
                  }
                >
                  {e.enabled ? 'Disable' : 'Enable'}
                </button>
                {e.needsAttention && (
                  <button
                    type="button"
                    aria-label={`Keep ${e.url} disabled`}
                    onClick={() =>
                      run(async () => {
                        await hooks.change(e.id, { enabled: false });
                        return `${e.url} stays disabled.`;
                      })
                    }
                  >
                    Keep disabled
                  </button>
                )}
                <button
                  type="button"
                  aria-label={`New signing secret for ${e.url}`}
                  onClick={() =>
                    run(async () => {
                      const rotated = await hooks.rotateSecret(e.id);
                      setSecret({ url: rotated.endpoint.url, secret: rotated.secret });
                      return `${e.url} has a new secret; the old one no longer signs.`;
                    })
                  }
                >
                  New secret
                </button>
                <button
                  type="button"
                  aria-label={`Deliveries to ${e.url}`}
                  aria-pressed={selected === e.id}
                  onClick={() => showDeliveries(e.id)}
                >
                  Deliveries
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form id="webhook-add" onSubmit={register} noValidate>
        <fieldset>
          <legend>New endpoint</legend>
          <div class="row">
            <label>
              URL (https) <input name="url" type="url" required aria-invalid={invalid('url', problems)} aria-describedby="wh-url-error" />
              <FieldError id="wh-url-error" field="url" problems={problems} />
            </label>
            <label>
              Description <input name="description" maxLength={200} />
            </label>
          </div>
          <fieldset aria-describedby="wh-events-error">
            <legend>Events</legend>
            {WEBHOOK_EVENT_TYPES.map((t: WebhookEventType) => (
              <label key={t}>
                <input type="checkbox" name={`event-${t}`} defaultChecked /> {t}
              </label>
            ))}
            <FieldError id="wh-events-error" field="events" problems={problems} />
          </fieldset>
          <button type="submit">Register endpoint</button>
        </fieldset>
      </form>
      <h3>{selected ? `Deliveries to ${urlOf(selected)}` : 'Latest deliveries'}</h3>
      {selected && (
        <button type="button" onClick={() => showDeliveries(null)}>
          Show every endpoint’s deliveries
        </button>
      )}
      <table id="webhook-deliveries">
        <caption>Newest first (at most 50)</caption>
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Event</th>
            <th scope="col">Case</th>
            <th scope="col">Status</th>
            <th scope="col">Tries</th>
            <th scope="col">Last answer</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.id} data-delivery={d.id}>
              <td>{formatDateTime(d.createdAt)}</td>
              <td>{urlOf(d.endpointId)}</td>
              <td>{d.eventType}</td>
              <td>{d.caseNumber ?? ''}</td>
              <td>
                {d.status}
                {d.resendOf ? ' (re-send)' : ''}
              </td>
              <td>{d.attempts}</td>
              <td>{d.responseCode ? `HTTP ${d.responseCode}` : (d.lastError ?? '')}</td>
              <td>
                <button
                  type="button"
                  aria-label={`Send ${d.eventType} of ${d.caseNumber ?? d.eventId} again`}
                  onClick={() =>
                    run(async () => {
                      await hooks.resend(d.id);
                      return `${d.eventType} of ${d.caseNumber ?? d.eventId} queued again.`;
                    })
                  }
                >
                  Send again
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
