import { useState } from 'preact/hooks';
import { ASSIGN_CAP_LIMITS, type DepartmentSettingsView } from '@cg/contracts';
import { useConsole } from '../../app/context';
import { formatDateTime } from '../../form-kit/format';
import { messageOf, useLoaded } from './use-admin-data';

/** Each department's automatic fair assignment (on/off) and cap of open cases per person. */
export function Departments() {
  const { api } = useConsole();
  const admin = api.admin;
  const { data, error, reload } = useLoaded(() => admin.departments());
  const [status, setStatus] = useState('');

  async function save(ev: SubmitEvent, d: DepartmentSettingsView) {
    ev.preventDefault();
    const f = new FormData(ev.currentTarget as HTMLFormElement);
    try {
      await admin.saveDepartment(d.department, { autoAssign: f.get('autoAssign') === 'on', assignCap: Number(f.get('assignCap')) });
      setStatus(`${d.department}: saved.`);
      reload();
    } catch (err) {
      setStatus(`${d.department}: ${messageOf(err)}`);
    }
  }

  return (
    <div class="card">
      <h2>Departments</h2>
      <p>
        Automatic fair assignment gives each new case in a department’s queue to the available member with the fewest open cases, passing
        over anyone at the cap.
      </p>
      <div aria-live="polite" id="departments-status">
        {(status || error) && <p class={error ? 'error' : 'notice'}>{error || status}</p>}
      </div>
      {data?.items.map((d) => (
        <form key={d.department} id={`department-${d.department}`} class="row" onSubmit={(ev) => save(ev, d)}>
          <strong>{d.department}</strong>
          <label>
            <input type="checkbox" name="autoAssign" defaultChecked={d.autoAssign} /> Automatic fair assignment
          </label>
          <label>
            Open cases per person at most{' '}
            <input
              type="number"
              name="assignCap"
              min={ASSIGN_CAP_LIMITS.min}
              max={ASSIGN_CAP_LIMITS.max}
              step={1}
              defaultValue={String(d.assignCap)}
              required
            />
          </label>
          <button type="submit" aria-label={`Save ${d.department}`}>
            Save
          </button>
          <small>{d.configured ? `saved by ${d.updatedBy ?? '?'} ${formatDateTime(d.updatedAt)}` : 'defaults (never saved)'}</small>
        </form>
      ))}
    </div>
  );
}
