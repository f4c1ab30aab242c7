/**
 * Reliability of a model's confidence, before and after calibration, on labelled texts (an
 * external file) or as the training recipe measured it on held-out folds of its corpus.
 */
import { reliability, type Reliability } from './calibration';
import { Classifier, type ClassifierOptions } from './classifier';
import type { LabelledExample } from './corpus';
import type { ModelJson } from './model';
import { DEFAULT_TRAIN_OPTIONS } from './train';

export interface ReliabilityRow {
  /** What produced the confidences (method, temperature, threshold). */
  label: string;
  /** True for the row the model actually uses. */
  inUse: boolean;
  reliability: Reliability;
}

/** The model as it was before calibration: softmax at T = 1, the former fixed minConfidence. */
export function uncalibratedModel(model: ModelJson): ModelJson {
  const { confidenceCalibration: _dropped, ...rest } = model;
  return {
    ...rest,
    temperature: 1,
    thresholds: { ...model.thresholds, minConfidence: DEFAULT_TRAIN_OPTIONS.thresholds.minConfidence },
  };
}

/** Reliability figures of one classifier on labelled texts (every text's best guess counts in the ECE). */
export function reliabilityOn(classifier: Classifier, labelled: readonly LabelledExample[]): Reliability {
  return reliability(
    labelled.map(({ text, department }) => {
      const r = classifier.classify(text);
      return { confidence: r.confidence, correct: r.predicted === department, answered: !r.abstained };
    }),
  );
}

function describe(model: ModelJson, minConfidence: number): string {
  const method = model.confidenceCalibration?.method ?? 'temperature';
  const how = model.temperature === 1 && method === 'temperature' ? 'uncalibrated, T = 1' : `${method}, T = ${model.temperature}`;
  return `${how}, answer at ≥ ${minConfidence}`;
}

/** Before (uncalibrated) and after (the model as it is) on labelled texts. */
export function compareOn(model: ModelJson, labelled: readonly LabelledExample[], options: ClassifierOptions = {}): ReliabilityRow[] {
  const before = uncalibratedModel(model);
  const after = new Classifier(model, options);
  return [
    {
      label: `before: ${describe(before, before.thresholds.minConfidence)}`,
      inUse: false,
      reliability: reliabilityOn(new Classifier(before, options), labelled),
    },
    { label: `after:  ${describe(model, after.thresholds.minConfidence)}`, inUse: true, reliability: reliabilityOn(after, labelled) },
  ];
}

/** The held-out-fold figures the training recipe stored in the model, or [] for an uncalibrated model. */
export function outOfFoldRows(model: ModelJson): ReliabilityRow[] {
  const c = model.calibration;
  if (c?.reliability === undefined) return [];
  return [
    {
      label: `uncalibrated (T = 1, answer at ≥ ${DEFAULT_TRAIN_OPTIONS.thresholds.minConfidence})`,
      inUse: false,
      reliability: c.reliability.uncalibrated,
    },
    { label: 'temperature (fitted on the other folds)', inUse: c.method === 'temperature', reliability: c.reliability.temperature },
    { label: 'isotonic (fitted on the other folds)', inUse: c.method === 'isotonic', reliability: c.reliability.isotonic },
  ];
}

function pct(x: number): string {
  return (x * 100).toFixed(1) + ' %';
}

/** A plain-text table; the row in use is marked with `*`. */
export function formatReliability(rows: readonly ReliabilityRow[]): string {
  const width = Math.max(...rows.map((r) => r.label.length), 10) + 2;
  const lines = [
    `${''.padEnd(width)}    ECE  answered ≥ 0.9  error ≥ 0.9  abstained  accuracy answered`,
    ...rows.map((r) => {
      const x = r.reliability;
      return (
        `${(r.inUse ? '* ' : '  ') + r.label.padEnd(width - 2)} ${x.ece.toFixed(4).padStart(6)}  ` +
        `${String(x.answeredAtOrAbove90).padStart(14)}  ${pct(x.errorRateAtOrAbove90).padStart(11)}  ` +
        `${pct(x.abstentionRate).padStart(9)}  ${pct(x.accuracyAnswered).padStart(17)}`
      );
    }),
  ];
  return lines.join('\n') + '\n';
}
