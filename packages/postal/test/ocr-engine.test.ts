import sharp from 'sharp';
import { renderReceiptLetter } from '@cg/letters';
import { renderPage, sampleLetter } from '@cg/testing';
import { OcrEngine, ToolError } from '@cg/postal';

/** The OCR engine on the real tools (tesseract, poppler): text layers, limits, missing models. */
describe('OcrEngine', () => {
  it('reads a PDF that carries its text from the text layer, without OCR', async () => {
    const pdf = await renderReceiptLetter({
      company: { name: 'Công ty Cổ phần Tenten', address: 'Hà Nội', hotline: '024.7108.9999', email: 'hotrokhachhang@tenten.vn' },
      caseNumber: 'KN26-00077',
      receivedAt: '2026-12-01T09:00:00+07:00',
      channel: 'postal',
      customer: { name: 'Nguyễn Thị Bích Ngọc' },
      complaintSummary: 'Tên miền bị khóa dù đã gia hạn.',
      customerRequest: 'Mở khóa tên miền và trả lời bằng văn bản.',
      deadlines: { target: '2026-12-08', cap: '2026-12-29' },
    });
    const result = await new OcrEngine().read(Buffer.from(pdf));
    expect(result.kind).toBe('pdf');
    expect(result.pages[0]).toMatchObject({ source: 'text-layer', confidence: 100 });
    expect(result.text).toContain('KN26-00077');
    expect(result.text).toContain('Nguyễn Thị Bích Ngọc');
    expect(result.pages[0]!.image?.subarray(1, 4).toString()).toBe('PNG');
  });

  it('turns a page scanned upside down (orientation from OSD) and reads it', async () => {
    const letter = sampleLetter(1);
    const page = await renderPage(letter.pages[0]!.slice(0, 12), { dpi: 200, font: 'DejaVu Serif', heightInches: 5 });
    const upsideDown = await sharp(page).rotate(180).png().toBuffer();
    const result = await new OcrEngine().read(upsideDown);
    expect(result.pages[0]).toMatchObject({ rotation: 180 });
    expect(result.text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(result.text).toContain(`Tôi tên là ${letter.fields.senderName}`);
  });

  it('reports a page that runs out of time on the page, and still returns the letter', async () => {
    const png = await renderPage(sampleLetter(2).pages[0]!.slice(8, 12), { dpi: 200, font: 'DejaVu Serif', heightInches: 2 });
    const result = await new OcrEngine({ pageTimeoutMs: 30 }).read(png);
    expect(result.pages).toHaveLength(1);
    expect(result.pages[0]!.error).toMatchObject({ code: 'timeout' });
    expect(result.pages[0]!.text).toBe('');
  });

  it('refuses to read with a model tesseract does not have, instead of quietly using the others', async () => {
    const png = await renderPage(['Khiếu nại'], { dpi: 150, font: 'DejaVu Serif', heightInches: 1 });
    await expect(new OcrEngine({ languages: 'script/Vietnamese+eng' }).read(png)).rejects.toThrow(ToolError);
  });
});
