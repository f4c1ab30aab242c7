import { answerTemplate, guessLetterLanguage, hasUnfilledSections, parseAnswerDraft, type AnswerTemplateInput } from './answer-template';

const input: AnswerTemplateInput = {
  language: 'vi',
  caseNumber: 'KN26-00042',
  customerName: 'Nguyễn Thị Bích',
  receivedAt: new Date('2026-11-30T02:15:00Z'),
  answeredAt: new Date('2026-12-03T03:00:00Z'),
  complaintSummary: 'Tên miền hết hạn dù đã thanh toán.',
  findings: 'Khoản thanh toán chưa được đối soát.',
  cause: 'Lỗi đối soát.',
  remedy: 'Đã gia hạn tên miền.',
  hotline: '024.7108.9999',
  email: 'hotrokhachhang@tenten.vn',
  companyName: 'Công ty Cổ phần Tenten',
};

describe('answer template', () => {
  it('carries the case number, both dates, the report and how to take it further', () => {
    const text = answerTemplate(input);
    expect(text).toContain('KN26-00042');
    expect(text).toContain('30/11/2026');
    expect(text).toContain('Ngày trả lời: 03/12/2026.');
    expect(text).toContain('Lỗi đối soát.');
    expect(text).toContain('024.7108.9999');
  });

  it('marks what the department has not reported yet', () => {
    const { findings: _f, cause: _c, remedy: _r, ...unreported } = input;
    expect(answerTemplate(unreported)).toContain('[Bộ phận xử lý chưa báo cáo');
    expect(hasUnfilledSections(answerTemplate(unreported))).toBe(true);
    expect(hasUnfilledSections(answerTemplate(input))).toBe(false);
  });

  it.each(['vi', 'en'] as const)('is read back into the letter sections (%s), edits included', (language) => {
    const text = answerTemplate({ ...input, language }).replace('Đã gia hạn tên miền.', 'Đã gia hạn tên miền thêm 1 năm.');
    expect(parseAnswerDraft(text)).toMatchObject({
      summary: input.complaintSummary,
      findings: input.findings,
      cause: input.cause,
      remedy: 'Đã gia hạn tên miền thêm 1 năm.',
      further: expect.stringContaining('KN26-00042'),
    });
  });

  it('a free-text draft has no sections', () => {
    expect(parseAnswerDraft('Kính gửi Quý khách, chúng tôi đã xử lý xong.')).toBeNull();
  });
});

describe('guessLetterLanguage', () => {
  it.each([
    ['Tên miền của tôi không truy cập được', 'vi'],
    ['ten mien cua toi khong truy cap duoc, da thanh toan', 'vi'],
    ['My domain has not been resolving since yesterday, please fix it', 'en'],
    ['', 'vi'],
  ])('%s → %s', (text, language) => {
    expect(guessLetterLanguage(text)).toBe(language);
  });
});
