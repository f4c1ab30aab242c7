import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { POSTAL_FIELDS, type PostalConfirmed, type PostalField } from '@cg/contracts';
import { ApiError } from '../../api/client';
import type { PostalConfirmBody, PostalLetterView, PostalPageView } from '../../api/postal';
import type { FieldProblem } from '../../api/types';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref } from '../../app/router';
import { FieldError, invalid } from '../../form-kit/FieldError';
import { formatDateTime, formText } from '../../form-kit/format';
import { confidenceText, FIELD_LABELS, isReading, letterLabel, STATUS_LABELS } from './letter-status';

const POLL_READING_MS = 1500;

/** One page of the scan, as the worker rendered it (fetched with the bearer token, shown from a blob URL). */
function PageImage({ page, pageCount }: { page: PostalPageView; pageCount: number }) {
  const { api } = useConsole();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!page.image) return;
    let objectUrl: string | null = null;
    let stopped = false;
    api.postal
      .file(page.image)
      .then((blob) => {
        if (stopped) return;
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      })
      .catch((err: Error) => !stopped && setFailed(err.message));
    return () => {
      stopped = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [api, page.image]);
  return (
    <figure class="scan-page" data-page={page.page}>
      {url ? (
        <img src={url} alt={`Page ${page.page} of ${pageCount} of the scanned letter`} />
      ) : (
        <div class="scan-missing">{page.error?.message ?? failed ?? (page.image ? 'Loading the page…' : 'No image of this page')}</div>
      )}
      <figcaption>
        Page {page.page} of {pageCount} · OCR confidence {confidenceText(page.confidence)}
        {page.source === 'text-layer' ? ' · read from the PDF text' : ''}
        {page.rotation ? ` · turned ${page.rotation}°` : ''}
        {page.error && <span class="error"> · not read: {page.error.message}</span>}
      </figcaption>
    </figure>
  );
}

/** A download needs the bearer token: fetched, then saved from a blob URL. The slip exists moments after the case. */
async function saveReceipt(api: ReturnType<typeof useConsole>['api'], letterId: string, caseNumber: string): Promise<void> {
  let blob: Blob | null = null;
  for (let attempt = 0; !blob; attempt++) {
    try {
      blob = await api.postal.file(api.postal.receiptPath(letterId));
    } catch (err) {
      // 409: the worker is still creating the case (deadlines not set yet).
      if (!(err instanceof ApiError && err.status === 409) || attempt >= 15) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `phieu-tiep-nhan-${caseNumber}.pdf`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function ConfirmedPanel({ letterId, caseNumber, duplicate }: { letterId: string; caseNumber: string; duplicate?: boolean }) {
  const { api } = useConsole();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section id="letter-confirmed" class="card success-card" aria-labelledby="confirmed-heading">
      <h3 id="confirmed-heading" ref={heading} tabIndex={-1}>
        Case {caseNumber}
      </h3>
      <p role="status">
        {duplicate ? 'This letter was confirmed before: ' : 'Confirmed: '}the letter is case <strong id="case-number">{caseNumber}</strong>.
        The deadline runs from the date the letter was received.
      </p>
      <p class="row">
        <a id="case-link" href={routeHref({ screen: 'cases', caseNumber })} onClick={onLinkClick({ screen: 'cases', caseNumber })}>
          Open case {caseNumber}
        </a>
        <button
          id="receipt-download"
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(null);
            saveReceipt(api, letterId, caseNumber)
              .catch((err: Error) => setError(`The receipt slip could not be fetched: ${err.message}`))
              .finally(() => setBusy(false));
          }}
        >
          Receipt slip (PDF) to print
        </button>
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * The clerk's verification of one letter: the scan's pages beside the recognised text (editable)
 * and the extracted fields, each flagged when OCR was unsure of it; confirm into a case (its
 * number, a link to it and the receipt slip), or reject as no complaint with a reason.
 */
export function LetterVerification({ letterId }: { letterId: string }) {
  const { api, can } = useConsole();
  const [letter, setLetter] = useState<PostalLetterView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [confirmed, setConfirmed] = useState<PostalConfirmed | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const load = async () => {
      try {
        const l = await api.postal.letter(letterId);
        if (stopped) return;
        setLetter(l);
        setLoadError(null);
        if (isReading(l.status)) timer = window.setTimeout(() => void load(), POLL_READING_MS);
      } catch (err) {
        if (!stopped) setLoadError(err instanceof Error ? err.message : String(err));
      }
    };
    setLetter(null);
    setConfirmed(null);
    setMessage(null);
    setProblems([]);
    void load();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [api, letterId]);
  useEffect(() => heading.current?.focus(), [letterId]);

  const back = (
    <a href={routeHref({ screen: 'postal' })} onClick={onLinkClick({ screen: 'postal' })}>
      ← Back to the letters
    </a>
  );
  if (loadError) {
    return (
      <div class="card">
        {back}
        <p class="error" role="alert">
          {loadError}
        </p>
      </div>
    );
  }
  if (!letter) return <p class="hint">Loading the letter…</p>;

  const decidable = letter.status === 'ocr_done' || letter.status === 'ocr_failed';
  const mayVerify = can('postal:verify');

  async function confirm(ev: SubmitEvent) {
    ev.preventDefault();
    if (!letter) return;
    const f = new FormData(ev.currentTarget as HTMLFormElement);
    const text = (k: string) => formText(f, k).trim();
    const received = text('receivedAt');
    const fields = Object.fromEntries(POSTAL_FIELDS.map((k) => [k, text(k)])) as Record<PostalField, string>;
    const body: PostalConfirmBody = {
      text: formText(f, 'text'),
      ...(text('subject') ? { subject: text('subject') } : {}),
      ...(text('customerRequest') ? { customerRequest: text('customerRequest') } : {}),
      fields,
      ...(received ? { receivedAt: new Date(received).toISOString() } : {}),
    };
    setBusy(true);
    setProblems([]);
    setMessage(null);
    try {
      setConfirmed(await api.postal.confirm(letter.id, body));
      setLetter(await api.postal.letter(letter.id).catch(() => letter));
    } catch (err) {
      setProblems(err instanceof ApiError ? err.fields : []);
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  async function reject(ev: SubmitEvent) {
    ev.preventDefault();
    if (!letter) return;
    const reason = formText(new FormData(ev.currentTarget as HTMLFormElement), 'reason').trim();
    setBusy(true);
    setProblems([]);
    setMessage(null);
    try {
      setLetter(await api.postal.reject(letter.id, reason));
      setMessage({ ok: true, text: 'Rejected: this letter will not become a case.' });
    } catch (err) {
      setProblems(err instanceof ApiError ? err.fields : []);
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string, server = name) => ({
    id: `letter-${name}`,
    name,
    'aria-invalid': invalid(server, problems),
  });
  const caseNumber = confirmed?.caseNumber ?? letter.caseNumber;

  return (
    <div id="letter-verify" data-status={letter.status}>
      <p>{back}</p>
      <h2 ref={heading} tabIndex={-1}>
        Letter {letterLabel(letter)}
      </h2>
      <p id="letter-status" role="status" class={letter.status === 'ocr_failed' ? 'error' : undefined}>
        <span class={`badge status-${letter.status}`}>{STATUS_LABELS[letter.status]}</span>{' '}
        {isReading(letter.status) && 'The worker is reading the scan; this page updates by itself.'}
        {letter.status === 'ocr_done' &&
          `OCR confidence ${confidenceText(letter.confidence)}. Check the text and the fields against the scan, then confirm.`}
        {letter.status === 'ocr_failed' &&
          `${letter.failure?.message ?? 'The scan could not be read.'} Type the letter in from the scan, or reject it.`}
        {letter.status === 'rejected' && `Reason: ${letter.rejection?.reason ?? ''}`}
      </p>
      {caseNumber && (
        <ConfirmedPanel letterId={letter.id} caseNumber={caseNumber} {...(confirmed ? { duplicate: confirmed.duplicate } : {})} />
      )}

      <div class="verify">
        <section class="scan" aria-label="The scan">
          {letter.pages.map((p) => (
            <PageImage key={`${p.page}-${p.image ?? ''}`} page={p} pageCount={letter.pageCount} />
          ))}
        </section>

        <section class="reading" aria-label="Recognised text and fields">
          {decidable && mayVerify ? (
            <>
              <form id="confirm-form" key={letter.status} onSubmit={confirm}>
                <label for="letter-text">Text of the letter (recognised; correct it against the scan)</label>
                <textarea {...field('text')} rows={18} required defaultValue={letter.text} aria-describedby="err-text" lang="vi" />
                <FieldError id="err-text" field="text" problems={problems} />
                <fieldset class="fields">
                  <legend>Sender and complaint</legend>
                  {POSTAL_FIELDS.map((k) => {
                    const extracted = letter.fields[k];
                    const low = extracted?.lowConfidence === true;
                    const hintId = `hint-${k}`;
                    const errId = `err-${k}`;
                    return (
                      <div key={k} class={`field${low ? ' low-confidence' : ''}`} data-field={k}>
                        <label for={`letter-${k}`}>
                          {FIELD_LABELS[k]}
                          {low && (
                            <span class="flag" id={hintId}>
                              {' '}
                              ⚠ low OCR confidence: check it against the scan
                            </span>
                          )}
                        </label>
                        {k === 'address' ? (
                          <textarea
                            {...field(k, `fields.${k}`)}
                            rows={2}
                            defaultValue={extracted?.value ?? ''}
                            aria-describedby={low ? `${hintId} ${errId}` : errId}
                          />
                        ) : (
                          <input
                            {...field(k, `fields.${k}`)}
                            type={k === 'letterDate' ? 'date' : k === 'email' ? 'email' : k === 'phone' ? 'tel' : 'text'}
                            defaultValue={extracted?.value ?? ''}
                            autocomplete="off"
                            aria-describedby={low ? `${hintId} ${errId}` : errId}
                          />
                        )}
                        <FieldError id={errId} field={`fields.${k}`} problems={problems} />
                      </div>
                    );
                  })}
                  <div class="field">
                    <label for="letter-subject">Subject (optional)</label>
                    <input {...field('subject')} autocomplete="off" aria-describedby="err-subject" />
                    <FieldError id="err-subject" field="subject" problems={problems} />
                  </div>
                  <div class="field">
                    <label for="letter-customerRequest">What the customer asks for (printed on the receipt slip; optional)</label>
                    <textarea {...field('customerRequest')} rows={2} aria-describedby="err-customerRequest" />
                    <FieldError id="err-customerRequest" field="customerRequest" problems={problems} />
                  </div>
                  <div class="field">
                    <label for="letter-receivedAt">Received on (the stamp or postmark, if not the upload time)</label>
                    <input {...field('receivedAt')} type="datetime-local" aria-describedby="err-receivedAt" />
                    <FieldError id="err-receivedAt" field="receivedAt" problems={problems} />
                  </div>
                </fieldset>
                <button type="submit" disabled={busy}>
                  Confirm: create the case
                </button>
              </form>
              <form id="reject-form" class="reject" onSubmit={reject}>
                <label for="letter-reason">Not a complaint? Reject it with the reason</label>
                <textarea {...field('reason')} rows={2} required minLength={3} aria-describedby="err-reason" />
                <FieldError id="err-reason" field="reason" problems={problems} />
                <button type="submit" class="secondary" disabled={busy}>
                  Reject the letter
                </button>
              </form>
              <p id="verify-result" role="alert" class={message && !message.ok ? 'error' : 'success'}>
                {message?.text}
              </p>
            </>
          ) : (
            <>
              {message && (
                <p id="verify-result" role="status" class={message.ok ? 'success' : 'error'}>
                  {message.text}
                </p>
              )}
              {letter.confirmation && (
                <dl>
                  <dt>Confirmed by</dt>
                  <dd>
                    {letter.confirmation.by.name ?? letter.confirmation.by.staffId}, {formatDateTime(letter.confirmation.at)}
                  </dd>
                  {POSTAL_FIELDS.filter((k) => letter.confirmation?.fields?.[k]).map((k) => (
                    <Fragment key={k}>
                      <dt>{FIELD_LABELS[k]}</dt>
                      <dd>{letter.confirmation?.fields?.[k]}</dd>
                    </Fragment>
                  ))}
                </dl>
              )}
              {(letter.confirmation?.text ?? letter.text) && (
                <pre class="body" lang="vi">
                  {letter.confirmation?.text ?? letter.text}
                </pre>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
