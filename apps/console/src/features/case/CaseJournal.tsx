import { useState } from 'preact/hooks';
import type { CaseView, JournalEntry } from '../../api/types';
import { useConsole } from '../../app/context';
import { formatDateTime } from '../../form-kit/format';
import { noteAttachmentsOf, type NoteAttachment } from '../../api/case-extras';

function actorOf(j: JournalEntry): string {
  const a = j.actor;
  if (!a || a.kind === 'system') return 'system';
  if (a.kind === 'customer') return a.name ? `${a.name} (customer)` : 'the customer';
  return a.name ? `${a.name}${a.role ? ` (${a.role})` : ''}` : (a.role ?? 'staff');
}

/** The handling journal (nhật ký xử lý): every entry, oldest first — when, who, what — and its CSV export. */
export function CaseJournal({ c }: { c: CaseView }) {
  const { api } = useConsole();
  const [error, setError] = useState('');
  const csvPath = `/api/v1/cases/${encodeURIComponent(c.caseNumber)}/journal.csv`;

  // The export needs the bearer token, so the link's click fetches it and saves the file.
  async function downloadCsv(ev: MouseEvent) {
    ev.preventDefault();
    setError('');
    try {
      const url = URL.createObjectURL(await api.journalCsv(c.caseNumber));
      const a = document.createElement('a');
      a.href = url;
      a.download = `nhat-ky-xu-ly-${c.caseNumber}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  // A note's file needs the bearer token too: fetched, then saved under its name.
  async function downloadFile(ev: MouseEvent, file: NoteAttachment) {
    ev.preventDefault();
    setError('');
    try {
      const url = URL.createObjectURL(await api.caseExtras.noteAttachment(c.caseNumber, file.id));
      const a = document.createElement('a');
      a.href = url;
      a.download = file.fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <section class="journal-section" aria-labelledby="journal-title">
      <h4 id="journal-title">
        Handling journal ({c.journal.length} entries){' '}
        <a id="journal-csv" href={csvPath} onClick={(ev) => void downloadCsv(ev)}>
          Export CSV
        </a>
      </h4>
      <p class="error" role="alert">
        {error}
      </p>
      <table id="journal" class="journal">
        <caption class="visually-hidden">Every entry of the handling journal, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {c.journal.map((j, i) => (
            <tr key={j.id ?? i} data-type={j.type}>
              <td>
                <time dateTime={j.at}>{formatDateTime(j.at)}</time>
              </td>
              <td>{actorOf(j)}</td>
              <td>
                {(j.type === 'note' || j.data?.originalType === 'note') && <span class="badge">internal note</span>}
                {j.type === 'merged_entry' && (
                  <span class="badge">from {typeof j.data?.mergedFrom === 'string' ? j.data.mergedFrom : 'a merged case'}</span>
                )}
                {j.message}
                {noteAttachmentsOf(j.data).length > 0 && (
                  <ul class="note-files" aria-label="Attached files">
                    {noteAttachmentsOf(j.data).map((f) => (
                      <li key={f.id}>
                        <a
                          href={`/api/v1/cases/${encodeURIComponent(c.caseNumber)}/notes/attachments/${encodeURIComponent(f.id)}`}
                          onClick={(ev) => void downloadFile(ev, f)}
                        >
                          {f.fileName}
                        </a>{' '}
                        ({Math.max(1, Math.round(f.size / 1024))} KB)
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
