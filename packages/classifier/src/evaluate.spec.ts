import { evaluate, formatEvaluation, type ClassifierLike } from './evaluate';

/** Answers from a lookup table; texts starting with "?" abstain. */
function stub(answers: Record<string, string>): ClassifierLike {
  return {
    labels: ['a', 'b', 'c'],
    abstainLabel: 'triage',
    classify: (text) =>
      text.startsWith('?') ? { department: 'triage', abstained: true } : { department: answers[text] as string, abstained: false },
  };
}

describe('evaluate', () => {
  const classifier = stub({ a1: 'a', a2: 'a', a3: 'b', b1: 'b', b2: 'a', c1: 'c' });
  const labelled = [
    { text: 'a1', department: 'a' },
    { text: 'a2', department: 'a' },
    { text: 'a3', department: 'a' },
    { text: 'b1', department: 'b' },
    { text: 'b2', department: 'b' },
    { text: 'c1', department: 'c' },
    { text: '?c2', department: 'c' },
    { text: '?a4', department: 'a' },
  ];
  const report = evaluate(classifier, labelled);

  it('counts answers and abstentions', () => {
    expect(report.total).toBe(8);
    expect(report.answered).toBe(6);
    expect(report.abstained).toBe(2);
    expect(report.abstentionRate).toBeCloseTo(0.25);
    expect(report.accuracyAnswered).toBeCloseTo(4 / 6);
    expect(report.accuracyOverall).toBeCloseTo(4 / 8);
  });

  it('builds the confusion matrix with abstentions as a column', () => {
    expect(report.confusion).toEqual({
      a: { a: 2, b: 1, triage: 1 },
      b: { b: 1, a: 1 },
      c: { c: 1, triage: 1 },
    });
  });

  it('computes precision on answers and recall on all texts', () => {
    // a: predicted a 3 times (a1, a2, b2), 2 right; 4 gold a, 2 found.
    expect(report.perDepartment.a).toEqual({ precision: 2 / 3, recall: 2 / 4, support: 4 });
    expect(report.perDepartment.b).toEqual({ precision: 1 / 2, recall: 1 / 2, support: 2 });
    expect(report.perDepartment.c).toEqual({ precision: 1, recall: 1 / 2, support: 2 });
    expect(report.errors).toEqual([
      { text: 'a3', gold: 'a', predicted: 'b' },
      { text: 'b2', gold: 'b', predicted: 'a' },
    ]);
  });

  it('handles an empty set without dividing by zero', () => {
    const empty = evaluate(classifier, []);
    expect(empty).toMatchObject({ total: 0, answered: 0, abstentionRate: 0, accuracyAnswered: 0 });
  });

  it('formats a readable report', () => {
    const text = formatEvaluation(report, { showErrors: true });
    expect(text).toContain('accuracy (answered): 66.7 %');
    expect(text).toContain('abstained (triage):  2 (25.0 %)');
    expect(text).toMatch(/confusion \(rows = gold, columns = predicted\)/);
    expect(text).toMatch(/^a\s+2\s+1\s+0\s+1$/m);
    expect(text).toContain('a → b: a3');
  });
});
