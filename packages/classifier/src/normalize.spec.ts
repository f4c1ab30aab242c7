import { foldBasic, foldForMatching, foldTokens, normalizeForStorage } from './normalize';

describe('normalizeForStorage', () => {
  it('returns NFC and keeps diacritics', () => {
    const decomposed = 'Tên miền'.normalize('NFD');
    expect(decomposed).not.toBe('Tên miền'.normalize('NFC'));
    expect(normalizeForStorage(decomposed)).toBe('Tên miền'.normalize('NFC'));
    expect(normalizeForStorage('Hóa đơn  VAT!')).toBe('Hóa đơn  VAT!');
  });
});

describe('foldForMatching', () => {
  it('strips diacritics, lowercases and maps đ/Đ to d', () => {
    expect(foldBasic('Đăng ký TÊN MIỀN được')).toBe('dang ky ten mien duoc');
    expect(foldForMatching('Hộp thư điện tử')).toBe('hop thu dien tu');
  });

  it('gives the same result for NFC, NFD and accent-free input', () => {
    const nfc = 'Không gửi được email, báo lỗi xác thực'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(foldForMatching(nfc)).toBe('khong gui duoc email bao loi xac thuc');
    expect(foldForMatching(nfd)).toBe(foldForMatching(nfc));
    expect(foldForMatching('khong gui duoc email, bao loi xac thuc')).toBe(foldForMatching(nfc));
  });

  it('collapses punctuation and whitespace', () => {
    expect(foldForMatching('  Website   bị lỗi!!!\n\t(503)… tên-miền.vn  ')).toBe('website bi loi 503 ten mien vn');
    expect(foldForMatching('')).toBe('');
    expect(foldForMatching(' ?!. ')).toBe('');
  });

  it('expands chat abbreviations as whole tokens only', () => {
    expect(foldForMatching('ko gửi đc mail')).toBe('khong gui duoc mail');
    expect(foldForMatching('k vào dc web, hok bít sao')).toBe('khong vao duoc web khong bit sao');
    expect(foldForMatching('đã ck rồi mà tk chưa cộng')).toBe('da chuyen khoan roi ma tai khoan chua cong');
    expect(foldForMatching('quên mk, tm hết hạn, cần ht')).toBe('quen mat khau ten mien het han can ho tro');
    expect(foldForMatching('bị j vậy, nói vs nv')).toBe('bi gi vay noi voi nhan vien');
    // Not inside words: "kho", "dcom", "tkb" stay as they are.
    expect(foldForMatching('kho dcom tkb')).toBe('kho dcom tkb');
  });

  it('does not turn "hỏng" (broken) into "không"', () => {
    expect(foldForMatching('ổ cứng bị hỏng')).toBe('o cung bi hong');
  });

  it('reduces English plurals but leaves Vietnamese and -ss/-us words alone', () => {
    expect(foldTokens('Invoices and emails, access status')).toEqual(['invoice', 'and', 'email', 'access', 'status']);
    expect(foldTokens('dns ssl')).toEqual(['dns', 'ssl']);
  });
});
