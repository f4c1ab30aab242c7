import { useEffect, useRef, useState } from 'preact/hooks';
import type { PostalLetterPage, PostalListStatus, PostalLetterSummary } from '../../api/postal';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref } from '../../app/router';
import { formatDateTime } from '../../form-kit/format';
import { confidenceText, FIELD_LABELS, isReading, STATUS_LABELS } from './letter-status';

const FILTERS: { value: PostalListStatus; label: string }[] = [
  { value: 'to_verify', label: 'Letters to verify' },
  { value: 'ocr_done', label: 'Ready to verify' },
  { value: 'ocr_failed', label: 'OCR failed' },
  { value: 'confirmed', label: 'Confirmed' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'all', label: 'All letters' },
];

/** While a letter is being read the list looks again often; otherwise now and then (another clerk's uploads). */
const POLL_READING_MS = 2000;
const POLL_IDLE_MS = 10_000;

function StatusCell({ l }: { l: PostalLetterSummary }) {
  return (
    <>
      <span class={`badge status-${l.status}`}>{STATUS_LABELS[l.status]}</span>
      {l.status === 'ocr_failed' && l.failure && <div class="reason">{l.failure.message}</div>}
      {l.status === 'ocr_done' && l.failedPages.length > 0 && (
        <div class="reason">
          page{l.failedPages.length === 1 ? '' : 's'} {l.failedPages.join(', ')} not read
        </div>
      )}
      {l.caseNumber && <div class="reason">case {l.caseNumber}</div>}
    </>
  );
}

/**
 * "Letters to verify": every scan and where it stands (OCR running, ready, failed with the
 * reason, confirmed, rejected). Letters have no live event of their own, so the list polls,
 * faster while one is being read; `refresh` (a new upload) makes it look at once.
 */
export function LetterList({ refresh }: { refresh: number }) {
  const { api } = useConsole();
  const [status, setStatus] = useState<PostalListStatus>('to_verify');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<PostalLetterPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      window.clearTimeout(timer.current);
      let reading = false;
      try {
        const next = await api.postal.list(status, page);
        if (stopped) return;
        setData(next);
        setError(null);
        reading = next.items.some((l) => isReading(l.status));
      } catch (err) {
        if (stopped) return;
        setError(err instanceof Error ? err.message : String(err));
      }
      if (!stopped) timer.current = window.setTimeout(() => void load(), reading ? POLL_READING_MS : POLL_IDLE_MS);
    };
    void load();
    return () => {
      stopped = true;
      window.clearTimeout(timer.current);
    };
  }, [api, status, page, refresh]);

  const totalPages = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <section class="card" aria-labelledby="letters-heading">
      <div class="row">
        <h2 id="letters-heading" class="grow">
          Postal letters
        </h2>
        <label>
          Show{' '}
          <select
            id="letter-filter"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value as PostalListStatus);
              setPage(1);
            }}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {data && data.items.length === 0 && <p class="hint">No letters here.</p>}
      {data && data.items.length > 0 && (
        <table id="letter-table">
          <caption class="visually-hidden">
            {FILTERS.find((f) => f.value === status)?.label}: {data.total}
          </caption>
          <thead>
            <tr>
              <th scope="col">Scan</th>
              <th scope="col">Uploaded</th>
              <th scope="col">Pages</th>
              <th scope="col">Status</th>
              <th scope="col">OCR confidence</th>
              <th scope="col">Check first</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((l) => (
              <tr key={l.id} data-letter={l.id} data-status={l.status}>
                <td>
                  <a href={routeHref({ screen: 'postal', letterId: l.id })} onClick={onLinkClick({ screen: 'postal', letterId: l.id })}>
                    {l.fileName}
                  </a>
                </td>
                <td>{formatDateTime(l.uploadedAt)}</td>
                <td>{l.pageCount}</td>
                <td>
                  <StatusCell l={l} />
                </td>
                <td>{confidenceText(l.confidence)}</td>
                <td>{l.lowConfidenceFields.map((f) => FIELD_LABELS[f]).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && totalPages > 1 && (
        <div class="row">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {page} of {totalPages}
          </span>
          <button type="button" disabled={page >= totalPages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </div>
      )}
    </section>
  );
}
