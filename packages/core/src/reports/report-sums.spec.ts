import { buildCaseReport, CaseReportBuilder, reportRange } from './case-report';
import { reportSumsByDay } from './report-days';
import { emptyReportSums, foldReportRow, sameReportContribution, type CaseReportRow } from './report-sums';

const H = 3_600_000;
const D = 24 * H;
const vn = (local: string) => new Date(`${local}+07:00`);

/** A week of cases: open (some overdue), answered within and late, closed with causes and surveys, a merged one. */
function rows(): CaseReportRow[] {
  const out: CaseReportRow[] = [];
  for (let i = 0; i < 60; i++) {
    const receivedAt = new Date(vn('2026-03-02T08:00:00').getTime() + i * 2.7 * H);
    const status = ['routed', 'in_progress', 'answered', 'closed', 'closed', 'reopened', 'merged'][i % 7]!;
    const answered = status === 'answered' || status === 'closed' || (status === 'reopened' && i % 2 === 0);
    out.push({
      channel: ['hotline', 'email', 'livechat', 'postal'][i % 4]!,
      department: ['hosting', 'billing', 'domain'][i % 3]!,
      status,
      receivedAt,
      targetDueAt: new Date(receivedAt.getTime() + (i % 5) * D),
      capDueAt: new Date(receivedAt.getTime() + 20 * D),
      firstAnsweredAt: answered ? new Date(receivedAt.getTime() + (i % 6) * D + 3 * H) : null,
      answeredWithinTarget: answered ? i % 6 <= i % 5 : null,
      answeredWithinCap: answered ? true : null,
      rootCauseCategory: status === 'closed' ? ['billing_error', 'staff_error'][i % 2]! : null,
      surveyRatings: status === 'closed' && i % 3 === 0 ? [1 + (i % 5)] : [],
    });
  }
  return out;
}

describe('report sums: the one fold, by rows or by days', () => {
  it('a case added then taken away leaves nothing', () => {
    const sums = emptyReportSums();
    for (const row of rows()) foldReportRow(sums, row, 1);
    for (const row of rows().reverse()) foldReportRow(sums, row, -1);
    expect(sums).toEqual(emptyReportSums());
  });

  it('the report from the days’ sums equals the report from the rows, whatever "now" is', async () => {
    const range = reportRange('2026-03-01', '2026-03-10');
    const days = await reportSumsByDay(rows());
    expect(days.size).toBeGreaterThan(5);
    for (const now of [vn('2026-03-09T12:00:00'), vn('2026-03-20T00:00:00'), vn('2026-04-30T00:00:00')]) {
      const builder = new CaseReportBuilder(range, now);
      for (const sums of days.values()) builder.addSums(sums);
      const expected = buildCaseReport(rows(), range, now);
      expect(builder.build()).toEqual(expected);
      expect(expected.cases).toBe(60 - 8); // the eight merged duplicates do not count
    }
  });

  it('changes may land in any order: a case changed before its insert reached the day', () => {
    const inOrder = emptyReportSums();
    const early = emptyReportSums();
    for (const row of rows()) {
      const answered = { ...row, status: 'answered', firstAnsweredAt: new Date(new Date(row.receivedAt).getTime() + H) };
      const closed = { ...answered, status: 'closed', rootCauseCategory: 'billing_error' };
      for (const [sums, order] of [
        [
          inOrder,
          [
            [row, 1],
            [row, -1],
            [answered, 1],
            [answered, -1],
            [closed, 1],
          ],
        ],
        [
          early,
          [
            [answered, -1],
            [closed, 1],
            [row, -1],
            [answered, 1],
            [row, 1],
          ],
        ],
      ] as const)
        for (const [r, sign] of order) foldReportRow(sums, r, sign);
    }
    expect(early).toEqual(inOrder);
    expect(early.early).toEqual({ answerMs: [], open: [] });
  });

  it('open cases of the same minute and deadlines are one counted entry, in any order of changes', () => {
    const start = vn('2026-03-02T08:00:00').getTime();
    const burst: CaseReportRow[] = Array.from({ length: 30 }, (_, i) => ({
      channel: 'hotline',
      department: 'hosting',
      status: 'routed',
      receivedAt: new Date(start + i * 1000), // 30 cases within one minute
      targetDueAt: new Date(start + 5 * D),
      capDueAt: new Date(start + 20 * D),
    }));
    const sums = emptyReportSums();
    for (const row of burst.slice(0, 10)) foldReportRow(sums, row, -1); // their closing reached the day first
    for (const row of burst) foldReportRow(sums, row, 1);
    expect(sums.early.open).toEqual([]);
    expect(sums.open).toEqual([{ receivedAt: start, targetDueAt: start + 5 * D, capDueAt: start + 20 * D, count: 20 }]);
    const range = reportRange('2026-03-01', '2026-03-10');
    const builder = new CaseReportBuilder(range, vn('2026-03-20T00:00:00'));
    builder.addSums(sums);
    expect(builder.build().deadlines.find((d) => d.deadline === 'target')).toMatchObject({ openOverdue: 20 });
  });

  it('a write that changes no report fact changes no total', () => {
    const [open] = rows();
    expect(sameReportContribution(open!, { ...open!, department: open!.department })).toBe(true);
    expect(sameReportContribution(open!, { ...open!, status: 'closed', rootCauseCategory: 'billing_error' })).toBe(false);
    expect(sameReportContribution(null, open!)).toBe(false);
  });
});
