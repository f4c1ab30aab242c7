import { emptyReportSums } from '@cg/core';
import { sumsFromStored, sumsToStored } from './report-days';

describe('report day sums as stored', () => {
  const sums = emptyReportSums();
  sums.cases = 3;
  sums.open.push({ receivedAt: 1, targetDueAt: 2, capDueAt: 3, count: 2 }, { receivedAt: 4, targetDueAt: null, capDueAt: null, count: 1 });
  sums.early.open.push({ receivedAt: 5, targetDueAt: 6, capDueAt: null, count: 1 });
  sums.early.answerMs.push(7);

  it('keeps open facts as tuples and reads them back as they were', () => {
    const text = sumsToStored(sums);
    expect(JSON.parse(text).open).toEqual([
      [1, 2, 3, 2],
      [4, null, null, 1],
    ]);
    expect(sumsFromStored(text)).toEqual(sums);
  });

  it('reads days written before the tuples (objects, one case each)', () => {
    const old = { ...sums, open: [{ receivedAt: 4, targetDueAt: null, capDueAt: null }], early: { answerMs: [], open: [] } };
    expect(sumsFromStored(JSON.stringify(old)).open).toEqual([{ receivedAt: 4, targetDueAt: null, capDueAt: null, count: 1 }]);
  });
});
