import iconv from 'iconv-lite';
import { decodeHeaderValue } from './header-words';

describe('decodeHeaderValue', () => {
  it('decodes UTF-8, Latin-1 and windows-1258 encoded words to NFC and joins adjacent ones', () => {
    const utf8 = Buffer.from('Lỗi tên miền').toString('base64');
    // windows-1258 writes the tone as a combining mark after the vowel.
    const w1258 = iconv.encode('ba\u0300n', 'windows-1258').toString('base64');
    expect(decodeHeaderValue(`=?utf-8?B?${utf8}?= =?windows-1258?B?${w1258}?=`)).toBe('Lỗi tên miềnbàn');
    expect(decodeHeaderValue('=?iso-8859-1?Q?caf=E9_cr=E8me?=')).toBe('café crème');
    expect(decodeHeaderValue('plain subject')).toBe('plain subject');
    expect(decodeHeaderValue(undefined)).toBeUndefined();
  });
});
