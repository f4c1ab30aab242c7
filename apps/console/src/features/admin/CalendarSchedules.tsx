import { useState } from 'preact/hooks';
import type { OfficialScheduleView } from '../../api/admin';
import { useConsole } from '../../app/context';
import { formatDateTime, formText } from '../../form-kit/format';
import { messageOf, useLoaded } from './use-admin-data';

/** Official holiday schedules: the ones in force, every loaded version, and loading a new one as JSON. */
export function CalendarSchedules() {
  const { api } = useConsole();
  const admin = api.admin;
  const { data, error, reload } = useLoaded(() => admin.schedules());
  const [status, setStatus] = useState('');

  async function load(ev: SubmitEvent) {
    ev.preventDefault();
    const form = ev.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const file = f.get('file');
    const text = file instanceof File && file.size > 0 ? await file.text() : formText(f, 'json');
    let schedule: unknown;
    try {
      schedule = JSON.parse(text);
    } catch {
      setStatus('Not JSON: paste or choose the schedule file (year, source, daysOff, workingDays).');
      return;
    }
    try {
      const stored = await admin.loadSchedule(schedule);
      setStatus(`Loaded ${stored.year} as version ${stored.version}.`);
      form.reset();
      reload();
    } catch (err) {
      setStatus(messageOf(err));
    }
  }

  return (
    <div class="card">
      <h2>Calendar schedules</h2>
      <div aria-live="polite" id="schedules-status">
        {(status || error) && <p class={error ? 'error' : 'notice'}>{error || status}</p>}
      </div>
      {data && (
        <table id="schedule-table">
          <caption>Schedules in force (the newest version of each year)</caption>
          <thead>
            <tr>
              <th scope="col">Year</th>
              <th scope="col">Version</th>
              <th scope="col">Source</th>
              <th scope="col">Days off</th>
              <th scope="col">Make-up working days</th>
              <th scope="col">Loaded</th>
            </tr>
          </thead>
          <tbody>
            {data.inForce.map((s) => (
              <ScheduleRow key={s.year} schedule={s} loaded={data.loaded.find((l) => l.year === s.year && l.version === s.version)} />
            ))}
          </tbody>
        </table>
      )}
      <form id="schedule-load" onSubmit={load}>
        <fieldset>
          <legend>Load an official schedule (JSON)</legend>
          <label>
            Schedule file <input type="file" name="file" accept="application/json,.json" />
          </label>
          <label>
            or paste it
            <textarea name="json" rows={6} placeholder='{"year": 2027, "source": "…", "daysOff": [], "workingDays": []}' />
          </label>
          <button type="submit">Load schedule</button>
        </fieldset>
      </form>
    </div>
  );
}

function ScheduleRow({ schedule: s, loaded }: { schedule: OfficialScheduleView; loaded?: OfficialScheduleView | undefined }) {
  return (
    <tr>
      <td>{s.year}</td>
      <td>{s.version}</td>
      <td>{s.source}</td>
      <td>{s.daysOff.map((d) => `${d.date} (${d.reason})`).join(', ')}</td>
      <td>{s.workingDays.map((d) => d.date).join(', ')}</td>
      <td>{loaded ? `${loaded.loadedBy ?? ''} ${formatDateTime(loaded.loadedAt)}` : 'shipped'}</td>
    </tr>
  );
}
