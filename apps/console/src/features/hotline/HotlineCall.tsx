import { useState } from 'preact/hooks';
import type { HotlineCallRequest } from '@cg/contracts';
import { ApiError } from '../../api/client';
import type { FieldProblem } from '../../api/types';
import { useConsole } from '../../app/context';
import { FieldError, invalid } from '../../form-kit/FieldError';
import { formText } from '../../form-kit/format';

/** A hotline operator records a call; the case number is read back to the caller at once. */
export function HotlineCall() {
  const { api } = useConsole();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [busy, setBusy] = useState(false);

  async function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const text = (k: string) => formText(f, k).trim();
    const optional = (k: string) => (text(k) ? { [k]: text(k) } : {});
    const call: HotlineCallRequest = {
      caller: { name: text('name'), phone: text('phone'), ...optional('email'), ...optional('customerId') },
      notes: text('notes'),
      ...optional('callId'),
      resolvedOnCall: f.get('resolvedOnCall') === 'on',
    };
    setBusy(true);
    setProblems([]);
    try {
      const r = await api.logCall(call);
      setResult({
        ok: true,
        text: `Recorded. Read the case number to the caller: ${r.caseNumber}${r.duplicate ? ' (this call was already recorded)' : ''}.`,
      });
      // A retry of the same call reuses its id, so nothing is recorded twice.
      (form.elements.namedItem('callId') as HTMLInputElement).value = r.callId;
    } catch (err) {
      setProblems(err instanceof ApiError ? err.fields : []);
      setResult({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string, server = name) => ({
    name,
    'aria-invalid': invalid(server, problems),
    'aria-describedby': `err-${name}`,
  });
  return (
    <div class="card">
      <h2>Log a hotline call</h2>
      <form id="call-form" onSubmit={submit}>
        <label>
          Caller name <input {...field('name', 'caller.name')} required autocomplete="off" />
          <FieldError id="err-name" field="caller.name" problems={problems} />
        </label>
        <label>
          Phone <input {...field('phone', 'caller.phone')} type="tel" required autocomplete="off" />
          <FieldError id="err-phone" field="caller.phone" problems={problems} />
        </label>
        <label>
          E-mail (optional) <input {...field('email', 'caller.email')} type="email" autocomplete="off" />
          <FieldError id="err-email" field="caller.email" problems={problems} />
        </label>
        <label>
          Customer id (optional) <input {...field('customerId', 'caller.customerId')} autocomplete="off" />
          <FieldError id="err-customerId" field="caller.customerId" problems={problems} />
        </label>
        <label>
          Call id (from the telephony system, optional) <input {...field('callId')} autocomplete="off" />
          <FieldError id="err-callId" field="callId" problems={problems} />
        </label>
        <label>
          Notes <textarea {...field('notes')} rows={6} required />
          <FieldError id="err-notes" field="notes" problems={problems} />
        </label>
        <label class="check">
          <input type="checkbox" name="resolvedOnCall" /> Resolved during the call
        </label>
        <button type="submit" disabled={busy}>
          Record the complaint
        </button>
        <p id="call-result" role="status" class={result && !result.ok ? 'error' : 'success'}>
          {result?.text}
        </p>
      </form>
    </div>
  );
}
