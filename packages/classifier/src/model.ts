/**
 * The serialised model and the naive Bayes arithmetic on it.
 *
 * The JSON keeps raw integer document counts per feature and class (not
 * log-probabilities), so it is exact, diff-friendly and reproducible: the
 * same corpus always yields byte-identical JSON. Log-probabilities are
 * derived when a model is loaded.
 */
import type { CalibrationMethod, ConfidenceCalibration, Reliability } from './calibration';
import { FAMILIES, familyOf, type FeatureFamily, type FeatureOptions } from './features';

export const MODEL_FORMAT = 'cg-classifier/naive-bayes';
export const MODEL_VERSION = 1;

/** Decision thresholds, stored in the model so a retrain can move them. */
export interface Thresholds {
  /** Abstain when the (calibrated) confidence is below this; the trainer sets it from a target error rate. */
  minConfidence: number;
  /** Abstain when top-1 minus top-2 probability is below this. */
  minMargin: number;
  /** Confidence reported when an unambiguous rule decides (its measured precision). */
  ruleConfidence: number;
}

/** Cross-validated figures on the training corpus, written for humans. */
export interface CalibrationReport {
  folds: number;
  examples: number;
  /** Mean negative log-likelihood of the gold label at the fitted temperature. */
  logLoss: number;
  accuracy: number;
  abstentionRate: number;
  accuracyAnswered: number;
  /** Precision of the rules alone where they decided, on the whole corpus. */
  rulePrecision: number;
  ruleCoverage: number;
  /** The confidence calibration kept (the lower expected calibration error on held-out folds). */
  method?: CalibrationMethod;
  /** Highest error rate allowed among answered texts; minConfidence is the smallest threshold meeting it. */
  targetErrorRate?: number;
  /** Out-of-fold error rate among answered texts at the chosen minConfidence. */
  thresholdErrorRate?: number;
  /**
   * Reliability on held-out folds: `uncalibrated` is softmax at T = 1 with the fixed thresholds
   * the model had before calibration; `temperature` and `isotonic` are each calibration fitted
   * on the other folds' predictions, with the threshold chosen there, applied to the held-out fold.
   */
  reliability?: Record<'uncalibrated' | CalibrationMethod, Reliability>;
}

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  /** Departments, in output order. */
  labels: string[];
  /** The department used when the classifier abstains. */
  abstainLabel: string;
  featureOptions: FeatureOptions;
  /** Additive (Laplace / Lidstone) smoothing. */
  alpha: number;
  /** Features seen in fewer documents than this were dropped. */
  minFeatureCount: number;
  /** Scores are divided by this before the softmax (fitted by cross-validation). */
  temperature: number;
  /** Maps the temperature-scaled top probability to the reported confidence (absent: as is). */
  confidenceCalibration?: ConfidenceCalibration;
  thresholds: Thresholds;
  calibration: CalibrationReport | null;
  /** SHA-256 of the training examples, to spot a stale model. */
  corpusSha256: string;
  classDocCounts: number[];
  /** Per family, the sum of kept feature counts of each class. */
  familyTotals: Record<FeatureFamily, number[]>;
  /** Per family, the number of kept features. */
  familyVocabulary: Record<FeatureFamily, number>;
  /** feature → document count in each class (same order as labels). */
  counts: Record<string, number[]>;
}

export class ModelFormatError extends Error {
  readonly code = 'CLASSIFIER_MODEL_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

function isNumberArray(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Checks the shape of a parsed model file; throws ModelFormatError naming the bad field. */
export function assertModelJson(value: unknown): asserts value is ModelJson {
  const fail = (field: string, why: string): never => {
    throw new ModelFormatError(`model.${field} ${why}`);
  };
  if (typeof value !== 'object' || value === null) fail('', 'must be an object');
  const m = value as Record<string, unknown>;
  if (m.format !== MODEL_FORMAT) fail('format', `must be "${MODEL_FORMAT}"`);
  if (m.version !== MODEL_VERSION) fail('version', `must be ${MODEL_VERSION}`);
  const labels = m.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string' && l !== '')) {
    fail('labels', 'must list at least two department names');
  }
  const k = (labels as string[]).length;
  if (typeof m.abstainLabel !== 'string' || m.abstainLabel === '') fail('abstainLabel', 'must be a string');
  if ((labels as string[]).includes(m.abstainLabel as string)) fail('abstainLabel', 'must not be one of the labels');
  if (typeof m.alpha !== 'number' || !(m.alpha > 0)) fail('alpha', 'must be a positive number');
  if (typeof m.temperature !== 'number' || !(m.temperature > 0)) fail('temperature', 'must be a positive number');
  const t = m.thresholds as Record<string, unknown> | undefined;
  for (const key of ['minConfidence', 'minMargin', 'ruleConfidence']) {
    const v = t?.[key];
    if (typeof v !== 'number' || v < 0 || v > 1) fail(`thresholds.${key}`, 'must be a number in [0, 1]');
  }
  const cal = m.confidenceCalibration as Record<string, unknown> | undefined;
  if (cal !== undefined) {
    if (typeof cal !== 'object' || cal === null) fail('confidenceCalibration', 'must be an object');
    if (cal.method === 'isotonic') {
      const x = cal.x;
      const y = cal.y;
      if (!Array.isArray(x) || x.length === 0 || !isNumberArray(x, x.length) || !isNumberArray(y, x.length)) {
        fail('confidenceCalibration', 'x and y must be arrays of as many numbers');
      }
      const inUnit = (v: number): boolean => v >= 0 && v <= 1;
      const xs = x as number[];
      const ys = y as number[];
      for (let i = 0; i < xs.length; i++) {
        if (!inUnit(xs[i] as number) || !inUnit(ys[i] as number)) fail('confidenceCalibration', 'breakpoints must lie in [0, 1]');
        if (i > 0 && ((xs[i] as number) < (xs[i - 1] as number) || (ys[i] as number) < (ys[i - 1] as number))) {
          fail('confidenceCalibration', 'breakpoints must be non-decreasing');
        }
      }
    } else if (cal.method !== 'temperature') fail('confidenceCalibration.method', 'must be "temperature" or "isotonic"');
  }
  const fo = m.featureOptions as Record<string, unknown> | undefined;
  if (typeof fo !== 'object' || fo === null) fail('featureOptions', 'must be an object');
  if (!isNumberArray(m.classDocCounts, k)) fail('classDocCounts', `must be ${k} numbers`);
  const totals = m.familyTotals as Record<string, unknown> | undefined;
  const vocab = m.familyVocabulary as Record<string, unknown> | undefined;
  for (const family of FAMILIES) {
    if (!isNumberArray(totals?.[family], k)) fail(`familyTotals.${family}`, `must be ${k} numbers`);
    if (typeof vocab?.[family] !== 'number') fail(`familyVocabulary.${family}`, 'must be a number');
  }
  // Rows of `counts` are checked while the scoring tables are built (one pass instead of two).
  if (typeof m.counts !== 'object' || m.counts === null || Array.isArray(m.counts)) fail('counts', 'must be an object');
}

/** One known feature: its name (with family prefix) and weighted log-probabilities. */
export interface FeatureEntry {
  feature: string;
  /** family weight × log P(feature | class), per class. */
  vec: Float64Array;
  /** Scratch mark used while scoring one text, to count each feature once. */
  stamp: number;
}

/** Log-probability tables derived from a ModelJson, ready for scoring. */
export interface ScoringTables {
  labels: string[];
  logPrior: Float64Array;
  /** Keyed without the family prefix, so scoring can look up slices directly. */
  word: Map<string, FeatureEntry>;
  bigram: Map<string, FeatureEntry>;
  char: Map<string, FeatureEntry>;
}

export function buildScoringTables(model: ModelJson): ScoringTables {
  const k = model.labels.length;
  const totalDocs = model.classDocCounts.reduce((a, b) => a + b, 0);
  const logPrior = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    logPrior[c] = Math.log(((model.classDocCounts[c] as number) + 1) / (totalDocs + k));
  }
  const denominators: Record<FeatureFamily, Float64Array> = {
    word: new Float64Array(k),
    bigram: new Float64Array(k),
    char: new Float64Array(k),
  };
  for (const family of FAMILIES) {
    const v = model.familyVocabulary[family];
    for (let c = 0; c < k; c++) {
      denominators[family][c] = Math.log((model.familyTotals[family][c] as number) + model.alpha * Math.max(v, 1));
    }
  }
  // Counts are small integers: cache log(n + alpha).
  const logCache: number[] = [];
  const logCount = (n: number): number => {
    if (Number.isInteger(n) && n >= 0 && n < 4096) return (logCache[n] ??= Math.log(n + model.alpha));
    return Math.log(n + model.alpha);
  };
  const tables: ScoringTables = { labels: model.labels.slice(), logPrior, word: new Map(), bigram: new Map(), char: new Map() };
  for (const feature in model.counts) {
    const row = model.counts[feature] as unknown;
    if (!isNumberArray(row, k)) throw new ModelFormatError(`model.counts["${feature}"] must be ${k} numbers`);
    const family = familyOf(feature);
    const w = model.featureOptions.familyWeights[family];
    if (!w) continue;
    const vec = new Float64Array(k);
    const den = denominators[family];
    for (let c = 0; c < k; c++) vec[c] = w * (logCount(row[c] as number) - (den[c] as number));
    tables[family].set(feature.slice(2), { feature, vec, stamp: 0 });
  }
  return tables;
}

/** Softmax of scores / temperature, numerically stable. */
export function softmax(scores: ArrayLike<number>, temperature = 1): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, (scores[i] as number) / temperature);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((scores[i] as number) / temperature - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / sum;
  return out;
}
