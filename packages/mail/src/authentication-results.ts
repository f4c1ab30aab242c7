/**
 * Authentication-Results (RFC 8601): what the receiving mail server found when it checked SPF,
 * DKIM and DMARC. We never verify these ourselves (that needs DNS at receipt time, which our
 * server did); we read its verdict. Only the topmost header counts: a receiving server prepends
 * its own, and anything below it was written by whoever sent the mail (forgeable). Absent
 * results are `unknown`, never a failure: many servers add no header.
 *
 * (mailauth, the maintained Node library here, verifies mail and writes this header; it has no
 * reader of a received one, so this small parser of the RFC's grammar is ours.)
 */

export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy' | 'unknown';

export interface AuthenticationVerdict {
  /** The server that wrote the header (the part before the first `;`). */
  authservId?: string;
  spf: AuthResult;
  dkim: AuthResult;
  dmarc: AuthResult;
  /**
   * `pass`: DMARC passed, or SPF/DKIM passed for the From domain; `fail`: DMARC failed, or SPF or
   * DKIM failed with nothing aligned passing; `unknown`: no header, or nothing conclusive.
   */
  verdict: 'pass' | 'fail' | 'unknown';
}

const RESULTS: readonly AuthResult[] = ['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'policy'];

/** Removes RFC 5322 comments `( … )` (nested), which may hold anything, `;` and `=` included. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && i + 1 < value.length) {
      if (depth === 0) out += ch + value[i + 1];
      i++;
      continue;
    }
    if (depth === 0 && ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out;
}

function domainOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.replace(/^"|"$/g, '').trim().toLowerCase();
  const at = v.lastIndexOf('@');
  const d = at >= 0 ? v.slice(at + 1) : v;
  return /^[a-z0-9.-]+\.[a-z]{2,}$/.test(d) ? d : undefined;
}

/** Relaxed alignment (DMARC's default): the same organisational domain, read as one being the other or a subdomain of it. */
function aligned(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

interface MethodResult {
  method: string;
  result: AuthResult;
  props: Record<string, string>;
}

/** The method results of one header value. */
function parseMethods(value: string): { authservId?: string; results: MethodResult[] } {
  const parts = stripComments(value)
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean);
  const authservId = parts[0]?.split(/\s+/)[0];
  const results: MethodResult[] = [];
  for (const part of parts.slice(1)) {
    const m = /^([a-z0-9_-]+)(?:\/[0-9]+)?\s*=\s*([a-z]+)\b(.*)$/i.exec(part);
    if (!m) continue;
    const result = m[2]!.toLowerCase() as AuthResult;
    const props: Record<string, string> = {};
    for (const p of m[3]!.matchAll(/([a-z0-9_-]+\.[a-z0-9_-]+)\s*=\s*("[^"]*"|[^\s;]+)/gi)) props[p[1]!.toLowerCase()] = p[2]!;
    results.push({ method: m[1]!.toLowerCase(), result: RESULTS.includes(result) ? result : 'unknown', props });
  }
  return { ...(authservId ? { authservId } : {}), results };
}

/**
 * The verdict of the topmost Authentication-Results header (`header`: its unfolded value, or
 * undefined when the mail has none), for a mail whose From address is `fromAddress`.
 */
export function readAuthenticationResults(header: string | undefined, fromAddress: string): AuthenticationVerdict {
  if (!header?.trim()) return { spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', verdict: 'unknown' };
  const { authservId, results } = parseMethods(header);
  const fromDomain = domainOf(fromAddress);
  const of = (method: string) => results.filter((r) => r.method === method);
  // Several DKIM signatures: a passing one wins; otherwise the first result.
  const best = (list: MethodResult[]): MethodResult | undefined => list.find((r) => r.result === 'pass') ?? list[0];
  const spf = best(of('spf'));
  const dkim = best(of('dkim'));
  const dmarc = best(of('dmarc'));
  const spfAligned = spf?.result === 'pass' && aligned(domainOf(spf.props['smtp.mailfrom'] ?? spf.props['smtp.helo']), fromDomain);
  const dkimAligned = of('dkim').some(
    (r) => r.result === 'pass' && aligned(domainOf(r.props['header.d'] ?? r.props['header.i']), fromDomain),
  );
  let verdict: AuthenticationVerdict['verdict'] = 'unknown';
  if (dmarc?.result === 'pass') verdict = 'pass';
  else if (dmarc?.result === 'fail') verdict = 'fail';
  else if (spfAligned || dkimAligned) verdict = 'pass';
  else if (['fail', 'softfail'].includes(spf?.result ?? '') || ['fail', 'permerror'].includes(dkim?.result ?? '')) verdict = 'fail';
  return {
    ...(authservId ? { authservId } : {}),
    spf: spf?.result ?? 'unknown',
    dkim: dkim?.result ?? 'unknown',
    dmarc: dmarc?.result ?? 'unknown',
    verdict,
  };
}
