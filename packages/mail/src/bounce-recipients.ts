import type { BounceReport } from './parse-email';

/** The bare, lower-case address of `Name <a@b>`, `<a@b>` or `a@b`. */
function bareAddress(value: string): string {
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1];
  return (angled ?? value).trim().replace(/^<|>$/g, '').toLowerCase();
}

/**
 * Which addresses a bounce may mark undeliverable: only the recipient of the message it is about.
 * A report is easy to forge (anyone on a thread knows our signed Message-IDs), so the recipients
 * it names are trusted only where they match the address we actually sent that message to.
 * - no recipient named: the original recipient (many servers only quote the message);
 * - the original recipient among those named: that address alone;
 * - only other addresses named: none (null), the report does not describe our message.
 */
export function trustedBounceRecipients(report: Pick<BounceReport, 'failedRecipients'>, originalTo: string): string[] | null {
  const to = bareAddress(originalTo);
  if (report.failedRecipients.length === 0) return [to];
  return report.failedRecipients.some((a) => bareAddress(a) === to) ? [to] : null;
}
