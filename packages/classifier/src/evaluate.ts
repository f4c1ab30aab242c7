/**
 * Evaluation of a classifier on labelled examples: accuracy among the texts
 * it answered, how often it abstained, a confusion matrix (abstentions appear
 * as the predicted abstain label) and per-department precision / recall.
 */
import type { LabelledExample } from './corpus';

/** Anything that classifies: a Classifier, or a stub in tests. */
export interface ClassifierLike {
  classify(text: string): { department: string; abstained: boolean; confidence?: number };
  readonly labels?: readonly string[];
  readonly abstainLabel?: string;
}

export interface DepartmentScores {
  /** Of the texts answered with this department, the share that were right (answered only). */
  precision: number;
  /** Of the texts of this department, the share answered with it (abstentions count as misses). */
  recall: number;
  support: number;
}

export interface EvaluationReport {
  total: number;
  answered: number;
  abstained: number;
  abstentionRate: number;
  /** Correct answers / answered (abstentions excluded). */
  accuracyAnswered: number;
  /** Correct answers / total (abstentions count as wrong). */
  accuracyOverall: number;
  /** gold → predicted (or the abstain label) → count. */
  confusion: Record<string, Record<string, number>>;
  perDepartment: Record<string, DepartmentScores>;
  /** Texts answered wrongly, for inspection. */
  errors: { text: string; gold: string; predicted: string; confidence?: number }[];
}

export function evaluate(classifier: ClassifierLike, labelled: readonly LabelledExample[]): EvaluationReport {
  const abstainLabel = classifier.abstainLabel ?? 'triage';
  const confusion: Record<string, Record<string, number>> = {};
  const departments = new Set<string>(classifier.labels ?? []);
  let answered = 0;
  let correct = 0;
  const errors: EvaluationReport['errors'] = [];
  for (const { text, department: gold } of labelled) {
    const result = classifier.classify(text);
    const predicted = result.abstained ? abstainLabel : result.department;
    departments.add(gold);
    if (!result.abstained) {
      departments.add(predicted);
      answered++;
      if (predicted === gold) correct++;
      else errors.push({ text, gold, predicted, ...(result.confidence === undefined ? {} : { confidence: result.confidence }) });
    }
    const row = (confusion[gold] ??= {});
    row[predicted] = (row[predicted] ?? 0) + 1;
  }
  const perDepartment: Record<string, DepartmentScores> = {};
  for (const d of departments) {
    let tp = 0;
    let predictedAs = 0;
    let support = 0;
    for (const [gold, row] of Object.entries(confusion)) {
      const n = row[d] ?? 0;
      predictedAs += n;
      if (gold === d) tp = n;
      if (gold === d) support = Object.values(row).reduce((a, b) => a + b, 0);
    }
    perDepartment[d] = { precision: ratio(tp, predictedAs), recall: ratio(tp, support), support };
  }
  const total = labelled.length;
  return {
    total,
    answered,
    abstained: total - answered,
    abstentionRate: ratio(total - answered, total),
    accuracyAnswered: ratio(correct, answered),
    accuracyOverall: ratio(correct, total),
    confusion,
    perDepartment,
    errors,
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function pct(x: number): string {
  return (x * 100).toFixed(1) + ' %';
}

/** A plain-text report: headline figures, per-department scores, confusion matrix. */
export function formatEvaluation(report: EvaluationReport, options: { abstainLabel?: string; showErrors?: boolean } = {}): string {
  const abstainLabel = options.abstainLabel ?? 'triage';
  const lines: string[] = [];
  lines.push(`examples:            ${report.total}`);
  lines.push(`answered:            ${report.answered}`);
  lines.push(`abstained (triage):  ${report.abstained} (${pct(report.abstentionRate)})`);
  lines.push(`accuracy (answered): ${pct(report.accuracyAnswered)}`);
  lines.push(`accuracy (overall):  ${pct(report.accuracyOverall)}`);
  lines.push('');
  const departments = Object.keys(report.perDepartment).filter((d) => d !== abstainLabel);
  const width = Math.max(10, ...departments.map((d) => d.length), abstainLabel.length);
  lines.push(`${'department'.padEnd(width)}  precision  recall  support`);
  for (const d of departments) {
    const s = report.perDepartment[d] as DepartmentScores;
    lines.push(`${d.padEnd(width)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}  ${String(s.support).padStart(7)}`);
  }
  lines.push('');
  lines.push('confusion (rows = gold, columns = predicted)');
  const columns = [...departments, abstainLabel];
  const colWidth = Math.max(5, ...columns.map((c) => Math.min(c.length, 8)));
  const head = columns.map((c) => c.slice(0, colWidth).padStart(colWidth)).join(' ');
  lines.push(`${''.padEnd(width)} ${head}`);
  for (const gold of Object.keys(report.confusion).sort((a, b) => columns.indexOf(a) - columns.indexOf(b))) {
    const row = report.confusion[gold] as Record<string, number>;
    lines.push(`${gold.padEnd(width)} ${columns.map((c) => String(row[c] ?? 0).padStart(colWidth)).join(' ')}`);
  }
  if (options.showErrors && report.errors.length > 0) {
    lines.push('');
    lines.push('errors (gold → predicted, confidence):');
    for (const e of report.errors) {
      lines.push(`  ${e.gold} → ${e.predicted}${e.confidence === undefined ? '' : ` (${e.confidence.toFixed(2)})`}: ${e.text}`);
    }
  }
  return lines.join('\n') + '\n';
}
