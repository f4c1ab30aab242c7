import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../../api/client';
import type { MyAvailability } from '../../api/case-extras';

/**
 * The header switch of department staff: whether automatic fair assignment may give me cases now
 * (fewest open cases first, up to my department's cap). Shown only when the department has it on.
 */
export function AvailabilitySwitch({ api }: { api: ApiClient }) {
  const [me, setMe] = useState<MyAvailability | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.caseExtras
      .myAvailability()
      .then(setMe)
      .catch(() => setMe(null));
  }, [api]);
  if (!me) return null;

  async function toggle(ev: Event) {
    const available = (ev.currentTarget as HTMLInputElement).checked;
    setBusy(true);
    setError('');
    try {
      setMe(await api.caseExtras.setAvailability(available));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span id="availability" class="availability">
      <label
        class="check"
        title={
          me.autoAssign ? `automatic assignment, up to ${me.assignCap} open cases each` : 'automatic assignment is off in your department'
        }
      >
        <input id="availability-toggle" type="checkbox" checked={me.available} disabled={busy} onChange={(ev) => void toggle(ev)} />{' '}
        Available for assigned cases{me.autoAssign ? '' : ' (auto-assignment off)'}
      </label>
      {error && (
        <small class="field-error" role="alert">
          {error}
        </small>
      )}
    </span>
  );
}
