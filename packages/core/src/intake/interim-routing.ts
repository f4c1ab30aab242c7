// TEMPORARY until @cg/classifier lands: keyword rules.
import type { CaseClassification } from './case-from-envelope';
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
