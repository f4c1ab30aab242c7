import { caseListKeys, isoWeekInVietnam } from './case-data';
import { searchTermsOf } from '../text/search-text';

describe('caseListKeys: the derived list keys', () => {
  const base = { searchText: 'tran thi bich \n ten mien anvan.vn het han', receivedAt: new Date('2026-03-29T17:30:00Z') };

  it('openOwnerKey: the owner while open, none while waiting, done once answered or closed', () => {
    expect(caseListKeys({ ...base, status: 'routed', owner: null }).openOwnerKey).toBe('none');
    expect(caseListKeys({ ...base, status: 'in_progress', owner: { id: 's1', name: 'A' } }).openOwnerKey).toBe('owner:s1');
    expect(caseListKeys({ ...base, status: 'reopened', owner: null }).openOwnerKey).toBe('none');
    expect(caseListKeys({ ...base, status: 'answered', owner: { id: 's1', name: 'A' } }).openOwnerKey).toBe('done');
    expect(caseListKeys({ ...base, status: 'closed', owner: null }).openOwnerKey).toBe('done');
  });

  it('searchTerms: distinct folded words; receivedWeek: the ISO week in Vietnam', () => {
    const keys = caseListKeys({ ...base, status: 'routed', owner: null });
    expect(keys.searchTerms).toEqual(['tran', 'thi', 'bich', 'ten', 'mien', 'anvan', 'vn', 'het', 'han']);
    expect(keys.receivedWeek).toBe('2026-W14'); // Monday 00:30 in Hanoi, Sunday in UTC
  });

  it('folds diacritics and đ, drops punctuation and overlong runs', () => {
    expect(searchTermsOf('Trần Thị Bích — ĐẶNG, đã hết hạn! 0912-345-678')).toEqual([
      'tran',
      'thi',
      'bich',
      'dang',
      'da',
      'het',
      'han',
      '0912',
      '345',
      '678',
    ]);
    expect(searchTermsOf(`x ${'a'.repeat(41)}`)).toEqual(['x']);
  });

  it('ISO weeks across year ends', () => {
    expect(isoWeekInVietnam(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeekInVietnam(new Date('2021-01-03T00:00:00Z'))).toBe('2020-W53');
    expect(isoWeekInVietnam(new Date('2026-12-31T16:59:00Z'))).toBe('2026-W53');
  });
});
