import { readDefaultCorpus } from './corpus';
import { foldForMatching } from './normalize';
import { compileRules, decideByRules, matchRules } from './rules';

const rules = compileRules();
const match = (text: string) => matchRules(foldForMatching(text), rules);

describe('rules', () => {
  it('matches phrases with or without diacritics and reports them', () => {
    expect(match('Không đổi được nameserver').map((m) => m.department)).toEqual(['domain']);
    expect(match('Cần xuất HÓA ĐƠN cho công ty')).toEqual([{ department: 'billing', phrase: 'hoa don' }]);
    expect(match('can xuat hoa don cho cong ty')).toEqual([{ department: 'billing', phrase: 'hoa don' }]);
    expect(decideByRules(match('Bản ghi SPF và DKIM bị sai'))).toBe('email');
    expect(decideByRules(match('Chứng chỉ SSL hết hạn'))).toBe('technical');
    expect(decideByRules(match('nhân viên thái độ rất tệ'))).toBe('customer_care');
  });

  it('matches whole tokens only', () => {
    expect(match('mxh của tôi')).toEqual([]);
    expect(match('smtpd')).toEqual([]);
  });

  it('does not confuse folded look-alikes ("thông báo gia hạn" is not "báo giá", "vật" is not "VAT")', () => {
    expect(match('không nhận được thông báo gia hạn')).toEqual([]);
    expect(match('máy chủ vật lý bị hỏng')).toEqual([]);
  });

  it('abstains when several departments match', () => {
    const matches = match('Hoá đơn cho chứng chỉ SSL bị sai');
    expect(new Set(matches.map((m) => m.department))).toEqual(new Set(['billing', 'technical']));
    expect(decideByRules(matches)).toBeUndefined();
    expect(decideByRules([])).toBeUndefined();
  });

  it('is high-precision on the labelled corpus', () => {
    let decided = 0;
    let right = 0;
    for (const e of readDefaultCorpus()) {
      const d = decideByRules(match(e.text));
      if (d === undefined) continue;
      decided++;
      if (d === e.department) right++;
    }
    expect(decided).toBeGreaterThan(150);
    expect(right / decided).toBeGreaterThanOrEqual(0.97);
  });

  it('can be restricted to the model departments', () => {
    const only = compileRules(undefined, undefined, ['email']);
    expect(matchRules(foldForMatching('hoá đơn và webmail'), only)).toEqual([{ department: 'email', phrase: 'webmail' }]);
  });
});
