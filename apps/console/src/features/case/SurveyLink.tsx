import { useEffect, useState } from 'preact/hooks';
import type { SurveyLinkView } from '@cg/contracts';
import { useConsole } from '../../app/context';
import { formatDateTime } from '../../form-kit/format';

/**
 * A closed case's satisfaction survey link (step 5): an operator reads it out on the phone, a
 * clerk prints it with the letter; email and chat customers get it sent. Staff cannot answer it
 * (the survey page refuses a signed-in staff browser).
 */
export function SurveyLink({ caseNumber, version }: { caseNumber: string; version: number }) {
  const { session } = useConsole();
  const [link, setLink] = useState<SurveyLinkView | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    fetch(`/api/v1/cases/${encodeURIComponent(caseNumber)}/survey-link`, { headers: { authorization: `Bearer ${session.token}` } })
      .then(async (res) => {
        const body = (await res.json().catch(() => ({}))) as SurveyLinkView & { title?: string; detail?: string };
        if (!live) return;
        if (res.ok) return setLink(body);
        setError(body.detail ?? body.title ?? `HTTP ${res.status}`);
      })
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [caseNumber, version, session.token]);

  return (
    <section class="survey-link" aria-labelledby="survey-link-title" data-testid="survey-link">
      <h4 id="survey-link-title">Satisfaction survey</h4>
      {error && <p class="error">{error}</p>}
      {link && (
        <dl>
          <dt>Link for the customer</dt>
          <dd>
            <input
              type="text"
              readOnly
              value={link.url}
              aria-label="Survey link for the customer"
              onFocus={(e) => e.currentTarget.select()}
              size={60}
            />
          </dd>
          <dt>Valid until</dt>
          <dd>{formatDateTime(link.expiresAt)}</dd>
          <dt>Answer</dt>
          <dd data-testid="survey-answer">
            {link.answered ? `${link.answered.rating}/5 on ${formatDateTime(link.answered.at)}` : 'not answered yet'}
          </dd>
        </dl>
      )}
    </section>
  );
}
