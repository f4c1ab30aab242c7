// TEMPORARY until @cg/calendar and @cg/classifier land (issue 3): keyword rules and weekend-only deadlines.
import type { CaseClassification, CaseDeadlines } from './case-from-envelope';
import { foldForSearch } from '../text/search-text';

const KEYWORDS: Record<string, string[]> = {
  domain: ['ten mien', 'domain', 'dns', 'whois', 'gia han'],
  hosting: ['hosting', 'vps', 'server', 'backup'],
  email: ['email', 'mail', 'mx', 'spf', 'dkim'],
  billing: ['thanh toan', 'hoa don', 'hoan tien', 'invoice', 'refund'],
};

export function interimClassify(text: string): CaseClassification {
  const folded = foldForSearch(text);
  for (const [department, words] of Object.entries(KEYWORDS)) {
    const hit = words.find((w) => folded.includes(w));
    if (hit) return { department, confidence: 0.9, abstained: false, method: 'rules', evidence: [hit], priority: 'normal', urgencyFlags: [] };
  }
  return { department: 'triage', confidence: 0, abstained: true, method: 'rules', evidence: [], priority: 'normal', urgencyFlags: [] };
}

export function interimDeadlines(receivedAt: Date): CaseDeadlines {
  const add = (n: number) => {
    const d = new Date(receivedAt.getTime() + 7 * 3600_000);
    d.setUTCHours(0, 0, 0, 0);
    while (n > 0) {
      d.setUTCDate(d.getUTCDate() + 1);
      if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) n--;
    }
    const dueDate = d.toISOString().slice(0, 10);
    return { dueDate, dueAt: new Date(d.getTime() + 17 * 3600_000) };
  };
  return { target: add(5), cap: add(20), policy: '5 working days, cap 20 working days' };
}
