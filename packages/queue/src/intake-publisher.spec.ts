import { withoutNulCharacters } from './intake-publisher';

describe('withoutNulCharacters', () => {
  it('removes U+0000 from nested strings, keys and arrays', () => {
    const dirty = { a: 'x\u0000y', list: ['ok', 'b\u0000'], nested: { ['k\u0000']: '\u0000z' }, n: 1, date: new Date(0) };
    expect(withoutNulCharacters(dirty)).toEqual({ a: 'xy', list: ['ok', 'b'], nested: { k: 'z' }, n: 1, date: new Date(0) });
    expect(dirty.a).toBe('x\u0000y'); // the input is not changed
  });

  it('returns a clean submission as it is, without copying it', () => {
    const clean = { channel: 'hotline', customer: { name: 'An' }, attachments: [{ id: 'f1' }] };
    expect(withoutNulCharacters(clean)).toBe(clean);
  });
});
