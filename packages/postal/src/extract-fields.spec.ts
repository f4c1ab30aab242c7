import { extractFields, foldAligned } from './extract-fields';

const lines = (texts: string[], confidence = 92) => texts.map((text) => ({ text, confidence }));

describe('extractFields', () => {
  const letter = lines([
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'Hà Nội, ngày 12 tháng 3 năm 2026',
    'Kính gửi: Công ty Tenten, hotline 024.7108.9999, hotrokhachhang@tenten.vn',
    'Tôi tên là Nguyễn Thị Bích Ngọc, mã khách hàng: KH-20931.',
    'Địa chỉ: số 12 ngõ 34 phố Huế, quận Hai Bà Trưng, Hà Nội',
    'Số điện thoại: 0987.654.321, email: ngoc.nguyen@example.vn',
    'Tôi khiếu nại về việc tên miền ngocbich.com.vn bị khóa dù đã gia hạn.',
    'Người viết đơn',
    'Nguyễn Thị Bích Ngọc',
  ]);

  it('finds every field and cuts values from the original line (diacritics kept)', () => {
    const f = extractFields(letter, { ownDomains: ['tenten.vn'], ownPhones: ['02471089999'] });
    expect(f.senderName?.value).toBe('Nguyễn Thị Bích Ngọc');
    expect(f.customerId?.value).toBe('KH-20931');
    expect(f.address?.value).toBe('số 12 ngõ 34 phố Huế, quận Hai Bà Trưng, Hà Nội');
    expect(f.phone?.value).toBe('0987.654.321');
    expect(f.email?.value).toBe('ngoc.nguyen@example.vn');
    expect(f.domain?.value).toBe('ngocbich.com.vn');
    expect(f.letterDate?.value).toBe('2026-03-12');
    expect(f.senderName).toMatchObject({ confidence: 92, lowConfidence: false, line: 3 });
  });

  it('matches labels without diacritics (OCR dropped them) and flags low-confidence lines', () => {
    const f = extractFields([
      { text: 'Ho va ten: Tran Van Binh', confidence: 55 },
      { text: 'Dien thoai: +84 912 345 678', confidence: 90 },
      { text: 'Ngay 05/01/2026', confidence: 90 },
    ]);
    expect(f.senderName).toMatchObject({ value: 'Tran Van Binh', lowConfidence: true, confidence: 55 });
    expect(f.phone).toMatchObject({ value: '+84 912 345 678', lowConfidence: false });
    expect(f.letterDate?.value).toBe('2026-01-05');
  });

  it('takes the name under the closing when no label gives it, and never the company as sender', () => {
    const f = extractFields(
      lines(['Kính gửi: hotrokhachhang@tenten.vn', 'Website tenten.vn của quý công ty chậm.', 'Trân trọng,', 'Lê Minh Tuấn']),
      {
        ownDomains: ['tenten.vn'],
      },
    );
    expect(f.senderName?.value).toBe('Lê Minh Tuấn');
    expect(f.email).toBeUndefined();
    expect(f.domain).toBeUndefined();
  });

  it('reads English letters', () => {
    const f = extractFields(
      lines(['March 3, 2026', 'My name is John Smith, customer ID: C-77812', 'Address: 5 Le Loi, District 1, HCMC', 'Domain: example.net']),
    );
    expect(f).toMatchObject({
      letterDate: { value: '2026-03-03' },
      senderName: { value: 'John Smith' },
      customerId: { value: 'C-77812' },
      address: { value: '5 Le Loi, District 1, HCMC' },
      domain: { value: 'example.net' },
    });
  });

  it('finds nothing in a letter without fields, and rejects impossible dates', () => {
    expect(extractFields(lines(['xin chào', 'ngày 31 tháng 2 năm 2026']))).toEqual({});
  });

  it('folds one character at a time, keeping indexes aligned', () => {
    const s = 'Địa chỉ: Phố Huế';
    expect(foldAligned(s)).toBe('dia chi: pho hue');
    expect(foldAligned(s)).toHaveLength(s.length);
  });
});
