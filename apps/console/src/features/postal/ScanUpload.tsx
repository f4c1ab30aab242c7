import { useRef, useState } from 'preact/hooks';
import { UploadRefused, type UploadedLetter } from '../../api/postal';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref } from '../../app/router';
import { letterLabel } from './letter-status';

interface UploadItem {
  key: number;
  name: string;
  size: number;
  progress: number;
  state: 'waiting' | 'uploading' | 'stored' | 'duplicate' | 'refused';
  letter?: UploadedLetter;
  problem?: string;
}

let nextKey = 1;

const kb = (n: number) => (n < 1024 * 1024 ? `${Math.max(1, Math.round(n / 1024))} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/**
 * Upload one scan or a batch: dropped on the zone or chosen with the file picker. Each file goes
 * in its own request (its own progress, its own answer); a scan uploaded before (same SHA-256)
 * names the letter it already is.
 */
export function ScanUpload({ onUploaded }: { onUploaded: () => void }) {
  const { api } = useConsole();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());

  const update = (key: number, patch: Partial<UploadItem>) => setItems((all) => all.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  function add(files: FileList | File[] | null) {
    const list = Array.from(files ?? []);
    if (!list.length) return;
    const added = list.map((f) => ({
      file: f,
      item: { key: nextKey++, name: f.name, size: f.size, progress: 0, state: 'waiting' as const },
    }));
    setItems((all) => [...added.map((a) => a.item), ...all]);
    // One file at a time: the server checks and stores each before it answers.
    for (const { file, item } of added) {
      queue.current = queue.current.then(async () => {
        update(item.key, { state: 'uploading' });
        try {
          const letter = await api.postal.upload(file, (progress) => update(item.key, { progress }));
          update(item.key, { state: letter.duplicate ? 'duplicate' : 'stored', progress: 1, letter });
          onUploaded();
        } catch (err) {
          // UploadRefused: the server's problem body, each message naming its file and what to fix.
          const problem = err instanceof UploadRefused ? err.message : `Upload failed: ${String(err)}`;
          update(item.key, { state: 'refused', problem });
        }
      });
    }
  }

  return (
    <section class="card" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload scanned letters</h2>
      <div
        id="scan-drop"
        class={`dropzone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          add(e.dataTransfer?.files ?? null);
        }}
      >
        <p>Drop scans here (PDF of one or more pages, JPEG, PNG or TIFF), or</p>
        <label class="file-pick">
          Choose scans…{' '}
          <input
            ref={input}
            id="scan-files"
            type="file"
            multiple
            accept="application/pdf,image/jpeg,image/png,image/tiff,.pdf,.jpg,.jpeg,.png,.tif,.tiff"
            onChange={(e) => {
              add(e.currentTarget.files);
              e.currentTarget.value = '';
            }}
          />
        </label>
        <p class="hint">Files are checked by their content, not their name. The same scan uploaded twice stays one letter.</p>
      </div>
      {items.length > 0 && (
        <ul id="upload-list" class="uploads" aria-live="polite" aria-label="Uploads">
          {items.map((i) => (
            <li key={i.key} data-state={i.state}>
              <span class="upload-name">
                {i.name} <small>({kb(i.size)})</small>
              </span>
              {(i.state === 'uploading' || i.state === 'waiting') && (
                <progress max={1} value={i.progress} aria-label={`Uploading ${i.name}`}>
                  {Math.round(i.progress * 100)}%
                </progress>
              )}
              <span class="upload-result">
                {i.state === 'waiting' && 'waiting…'}
                {i.state === 'uploading' && `${Math.round(i.progress * 100)}%`}
                {i.state === 'stored' && i.letter && (
                  <>
                    Stored: {i.letter.pageCount} page{i.letter.pageCount === 1 ? '' : 's'}, OCR queued.{' '}
                    <a
                      href={routeHref({ screen: 'postal', letterId: i.letter.id })}
                      onClick={onLinkClick({ screen: 'postal', letterId: i.letter.id })}
                    >
                      Open the letter
                    </a>
                  </>
                )}
                {i.state === 'duplicate' && i.letter && (
                  <>
                    Already uploaded: letter{' '}
                    <a
                      href={routeHref({ screen: 'postal', letterId: i.letter.id })}
                      onClick={onLinkClick({ screen: 'postal', letterId: i.letter.id })}
                    >
                      {letterLabel(i.letter)}
                    </a>
                    {i.letter.caseNumber ? `, case ${i.letter.caseNumber}` : ''}. Nothing new was created.
                  </>
                )}
                {i.state === 'refused' && i.problem && (
                  <span class="error" role="alert">
                    {i.problem}
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
