import { extractFeatures } from './features';
import { foldTokens } from './normalize';

describe('extractFeatures', () => {
  it('yields unigrams, bigrams and character n-grams', () => {
    const f = extractFeatures(['ten', 'mien']);
    expect(f.has('w:ten')).toBe(true);
    expect(f.has('w:mien')).toBe(true);
    expect(f.has('b:ten_mien')).toBe(true);
    expect(f.has('c: te')).toBe(true);
    expect(f.has('c:ten m')).toBe(true);
    expect(f.has('c: mien ')).toBe(false); // 6 characters: longer than 5
    expect(f.has('c:ien ')).toBe(true);
  });

  it('gives identical features with and without diacritics', () => {
    const a = extractFeatures(foldTokens('Tên miền bị khoá, không đổi được DNS'));
    const b = extractFeatures(foldTokens('ten mien bi khoa, khong doi duoc dns'));
    const c = extractFeatures(foldTokens('tên miền bị khóa, ko đổi đc DNS'));
    expect([...a].sort()).toEqual([...b].sort());
    expect([...c].sort()).toEqual([...b].sort());
  });

  it('handles đ like d', () => {
    expect([...extractFeatures(foldTokens('Đổi địa chỉ'))].sort()).toEqual([...extractFeatures(foldTokens('doi dia chi'))].sort());
  });

  it('is empty for empty input and skips n-grams with a single letter', () => {
    expect(extractFeatures([]).size).toBe(0);
    expect(extractFeatures(['a']).has('c: a ')).toBe(false);
  });
});
