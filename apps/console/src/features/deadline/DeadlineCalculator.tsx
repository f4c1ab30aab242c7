import { useState } from 'preact/hooks';
import type { DeadlineAnswer } from '../../api/types';
import { useConsole } from '../../app/context';
import { formText } from '../../form-kit/format';

/** Both deadlines for a receipt time, with every day not counted and why. */
export function DeadlineCalculator() {
  const { api } = useConsole();
  const [answer, setAnswer] = useState<DeadlineAnswer | null>(null);
  const [error, setError] = useState('');

  async function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const local = formText(new FormData(ev.currentTarget as HTMLFormElement), 'receivedAt');
    try {
      // The form's local time is Vietnam's (UTC+7, no daylight saving).
      setAnswer(await api.deadline(`${local}:00+07:00`));
      setError('');
    } catch (err) {
      setAnswer(null);
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <div class="card">
      <h2>Deadline calculator</h2>
      <form id="deadline-form" class="row" onSubmit={submit}>
        <label>
          Received at (Vietnam time) <input name="receivedAt" type="datetime-local" required />
        </label>
        <button type="submit">Compute</button>
      </form>
      <div id="deadline-result" aria-live="polite">
        {error && <p class="error">{error}</p>}
        {answer && (
          <>
            <p>
              Answer due {answer.target.dueDate} 24:00; legal limit {answer.cap.dueDate} 24:00 (Asia/Ho_Chi_Minh).
            </p>
            <ul>
              {answer.explanation.skipped.map((s) => (
                <li key={s.date}>
                  {s.date} — {s.reason}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
