/**
 * Mail that a machine sent: auto-replies (RFC 3834 Auto-Submitted, X-Autoreply, X-Autorespond,
 * Precedence auto_reply), bulk mail (Precedence bulk/list/junk, List-Unsubscribe, List-Id),
 * loops (X-Loop) and bounces (multipart/report; report-type=delivery-status). None of it opens
 * a case or gets an answer; a bounce of our own message is attached to its case.
 */
export type MailKind = 'complaint' | 'auto-reply' | 'bulk' | 'bounce';

export interface HeaderLookup {
  /** The header's raw value (first occurrence), lower-case name. */
  get(name: string): string | undefined;
}

export function classifyAutomated(
  h: HeaderLookup,
  contentType: { value: string; params: Record<string, string> } | undefined,
): { kind: MailKind; reasons: string[] } {
  const reasons: string[] = [];
  const ct = contentType?.value.toLowerCase();
  const reportType = contentType?.params['report-type']?.toLowerCase();
  if (ct === 'multipart/report' && (reportType === 'delivery-status' || reportType === undefined)) {
    return { kind: 'bounce', reasons: ['multipart/report; report-type=delivery-status'] };
  }
  if (h.get('x-failed-recipients')) return { kind: 'bounce', reasons: ['X-Failed-Recipients'] };

  const autoSubmitted = h.get('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith('no')) reasons.push(`Auto-Submitted: ${autoSubmitted}`);
  if (h.get('x-autoreply') !== undefined) reasons.push('X-Autoreply');
  if (h.get('x-autorespond') !== undefined) reasons.push('X-Autorespond');
  if (h.get('x-autoresponder') !== undefined) reasons.push('X-Autoresponder');
  const suppress = h.get('x-auto-response-suppress')?.toLowerCase();
  if (
    suppress &&
    /\b(all|oof|autoreply)\b/.test(suppress) &&
    reasons.length === 0 &&
    /^(automatic reply|auto|out of office)/i.test(h.get('subject') ?? '')
  ) {
    reasons.push(`X-Auto-Response-Suppress: ${suppress}`);
  }
  if (h.get('x-loop') !== undefined) reasons.push('X-Loop');
  const precedence = h.get('precedence')?.trim().toLowerCase();
  if (precedence === 'auto_reply') reasons.push('Precedence: auto_reply');
  if (reasons.length > 0) return { kind: 'auto-reply', reasons };

  if (precedence === 'bulk' || precedence === 'list' || precedence === 'junk') reasons.push(`Precedence: ${precedence}`);
  if (h.get('list-unsubscribe') !== undefined) reasons.push('List-Unsubscribe');
  if (h.get('list-id') !== undefined) reasons.push('List-Id');
  if (reasons.length > 0) return { kind: 'bulk', reasons };
  return { kind: 'complaint', reasons };
}
