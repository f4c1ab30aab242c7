import { useEffect, useState } from 'preact/hooks';
import type { PossibleDuplicate } from '../../api/case-extras';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref, type Route } from '../../app/router';
import { formatDateTime } from '../../form-kit/format';

/** Other open cases of the same customer (same email): the likely survivors of a merge. */
export function PossibleDuplicates({ caseNumber }: { caseNumber: string }) {
  const { api } = useConsole();
  const [items, setItems] = useState<PossibleDuplicate[] | null>(null);
  useEffect(() => {
    let live = true;
    api.caseExtras
      .possibleDuplicates(caseNumber)
      .then((r) => live && setItems(r.items))
      .catch(() => live && setItems([]));
    return () => {
      live = false;
    };
  }, [caseNumber]);
  if (!items?.length) return null;
  return (
    <div class="possible-duplicates" role="note" aria-label="Possible duplicates">
      <strong>Possible duplicates (same customer email):</strong>
      <ul>
        {items.map((d) => {
          const r: Route = { screen: 'cases', caseNumber: d.caseNumber };
          return (
            <li key={d.caseNumber}>
              <a href={routeHref(r)} onClick={onLinkClick(r)}>
                {d.caseNumber}
              </a>{' '}
              — {d.channel}, {d.department}, {d.status}, received {formatDateTime(d.receivedAt)}
              {d.subject ? `: ${d.subject}` : ''}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
