import { wrapText } from './wrap';

// One unit per character: easy widths to reason about.
const measure = (s: string) => Array.from(s).length;

describe('wrapText', () => {
  it('breaks between words without passing the width', () => {
    expect(wrapText('khiếu nại của Quý khách đã được tiếp nhận', 14, measure)).toEqual(['khiếu nại của', 'Quý khách đã', 'được tiếp nhận']);
  });

  it('keeps newlines and empty lines, collapses runs of spaces', () => {
    expect(wrapText('Đà   Nẵng\n\nHà Nội', 20, measure)).toEqual(['Đà Nẵng', '', 'Hà Nội']);
  });

  it('cuts a word longer than a line between characters', () => {
    expect(wrapText('xem https://tenmien.example/abcdefghij ngay', 12, measure)).toEqual([
      'xem',
      'https://tenm',
      'ien.example/',
      'abcdefghij',
      'ngay',
    ]);
  });

  it('never splits a surrogate pair', () => {
    const lines = wrapText('😀😀😀😀', 2, measure);
    expect(lines).toEqual(['😀😀', '😀😀']);
  });
});
