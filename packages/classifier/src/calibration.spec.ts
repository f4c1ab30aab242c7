import {
  applyIsotonic,
  calibrateConfidence,
  expectedCalibrationError,
  fitIsotonic,
  fitTemperature,
  meanNegativeLogLikelihood,
  reliability,
  selectThreshold,
  type ConfidencePair,
} from './calibration';
import { Classifier } from './classifier';
import { assertModelJson, softmax } from './model';
import { readDefaultCorpus } from './corpus';
import { trainModel } from './train';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isNonDecreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= (values[i - 1] as number));
}

describe('isotonic calibration', () => {
  it('pools adjacent violators and smooths each block as (right + 1) / (n + 2)', () => {
    const map = fitIsotonic([
      { confidence: 0.1, correct: false },
      { confidence: 0.2, correct: true },
      { confidence: 0.3, correct: false },
      { confidence: 0.4, correct: true },
    ]);
    // Blocks: {0.1}: 0/1, {0.2, 0.3}: 1/2 (pooled: 1 then 0 violates), {0.4}: 1/1.
    expect(map.x).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(map.y).toEqual([0.333333, 0.5, 0.5, 0.666667]);
    expect(applyIsotonic(map, 0.25)).toBe(0.5);
    expect(applyIsotonic(map, 0.35)).toBeCloseTo(0.583333, 6);
    expect(applyIsotonic(map, 0)).toBe(0.333333);
    expect(applyIsotonic(map, 1)).toBe(0.666667);
  });

  it('is monotone, within [0, 1], and never promises certainty', () => {
    const next = random(7);
    // Right with probability confidence², a typical over-confident model.
    const pairs: ConfidencePair[] = Array.from({ length: 2000 }, () => {
      const confidence = 0.3 + 0.7 * next();
      return { confidence, correct: next() < confidence * confidence };
    });
    const map = fitIsotonic(pairs);
    expect(isNonDecreasing(map.x)).toBe(true);
    expect(isNonDecreasing(map.y)).toBe(true);
    const grid = Array.from({ length: 1001 }, (_, i) => applyIsotonic(map, i / 1000));
    expect(isNonDecreasing(grid)).toBe(true);
    expect(Math.min(...grid)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...grid)).toBeLessThan(1);
    // It corrects the over-confidence: a 0.9 answer is right about 81 % of the time.
    expect(applyIsotonic(map, 0.9)).toBeGreaterThan(0.7);
    expect(applyIsotonic(map, 0.9)).toBeLessThan(0.88);
    expect(expectedCalibrationError(pairs.map((p) => ({ ...p, confidence: applyIsotonic(map, p.confidence) })))).toBeLessThan(
      expectedCalibrationError(pairs) / 3,
    );
  });

  it('temperature scaling keeps the top probability monotone in the score margin', () => {
    const tops = Array.from({ length: 50 }, (_, i) => softmax([i / 5, 0, 0], 3.7)[0] as number);
    expect(isNonDecreasing(tops)).toBe(true);
    expect(calibrateConfidence({ method: 'temperature' }, 0.8)).toBe(0.8);
    expect(calibrateConfidence(undefined, 0.8)).toBe(0.8);
  });
});

describe('expected calibration error', () => {
  it('is Σ (bin share) × |accuracy − mean confidence| over 10 equal-width bins', () => {
    const pairs: ConfidencePair[] = [
      // bin [0.9, 1.0]: accuracy 0.75, mean confidence 0.95 (1.0 falls in the last bin)
      { confidence: 0.9, correct: true },
      { confidence: 1.0, correct: true },
      { confidence: 0.95, correct: false },
      { confidence: 0.95, correct: true },
      // bin [0.5, 0.6): accuracy 0.5, confidence 0.55
      { confidence: 0.55, correct: true },
      { confidence: 0.55, correct: false },
      // bin [0.6, 0.7): accuracy 1, confidence 0.65
      { confidence: 0.65, correct: true },
      { confidence: 0.65, correct: true },
    ];
    // 4/8 × 0.2 + 2/8 × 0.05 + 2/8 × 0.35 = 0.2
    expect(expectedCalibrationError(pairs)).toBeCloseTo(0.2, 12);
    expect(expectedCalibrationError([{ confidence: 0.7, correct: true }])).toBeCloseTo(0.3, 12);
    expect(expectedCalibrationError([])).toBe(0);
  });

  it('reliability counts answers at ≥ 0.9, abstentions and accuracy among answered', () => {
    const r = reliability([
      { confidence: 0.95, correct: true, answered: true },
      { confidence: 0.92, correct: false, answered: true },
      { confidence: 0.9, correct: true, answered: true },
      { confidence: 0.7, correct: true, answered: true },
      { confidence: 0.3, correct: false, answered: false },
    ]);
    expect(r).toMatchObject({
      examples: 5,
      answeredAtOrAbove90: 3,
      errorRateAtOrAbove90: 0.3333,
      abstentionRate: 0.2,
      accuracyAnswered: 0.75,
    });
  });
});

describe('temperature fit', () => {
  it('lowers the log-loss of an over-confident model', () => {
    // Scores that always put the top class 8 nats ahead, but it is right only 70 % of the time.
    const next = random(11);
    const scores: Float64Array[] = [];
    const gold: number[] = [];
    for (let i = 0; i < 500; i++) {
      const top = Math.floor(next() * 3);
      const s = new Float64Array(3);
      s[top] = 8;
      scores.push(s);
      gold.push(next() < 0.7 ? top : (top + 1 + Math.floor(next() * 2)) % 3);
    }
    const t = fitTemperature(scores, gold);
    expect(t).toBeGreaterThan(2);
    const before = meanNegativeLogLikelihood(scores, gold, 1);
    const after = meanNegativeLogLikelihood(scores, gold, t);
    expect(after).toBeLessThan(before / 2);
    // The fitted confidence of the top class is close to its 70 % hit rate.
    const first = scores[0] as Float64Array;
    const topProbability = softmax(first, t)[first.indexOf(8)] as number;
    expect(topProbability).toBeGreaterThan(0.6);
    expect(topProbability).toBeLessThan(0.8);
  });
});

describe('threshold selection', () => {
  const table: ConfidencePair[] = [
    { confidence: 0.95, correct: true },
    { confidence: 0.9, correct: true },
    { confidence: 0.8, correct: false },
    { confidence: 0.7, correct: true },
    { confidence: 0.6, correct: true },
    { confidence: 0.5, correct: false },
    { confidence: 0.4, correct: false },
  ];

  it('picks the smallest threshold whose error rate among answered texts meets the target', () => {
    // Errors among answered at ≥ 0.95: 0/1, 0.9: 0/2, 0.8: 1/3, 0.7: 1/4, 0.6: 1/5, 0.5: 2/6, 0.4: 3/7.
    expect(selectThreshold(table, 0.2)).toEqual({ threshold: 0.6, errorRate: 0.2, answered: 5, meetsTarget: true });
    expect(selectThreshold(table, 0.3).threshold).toBe(0.6);
    expect(selectThreshold(table, 0.34).threshold).toBe(0.5);
    expect(selectThreshold(table, 0).threshold).toBe(0.9);
    expect(selectThreshold(table, 1).threshold).toBe(0.4);
  });

  it('counts texts answered whatever the threshold (rules)', () => {
    // 5 rule answers, all right: at 0.5 → 2 / 11 ≤ 0.2; at 0.4 → 3 / 12 > 0.2.
    expect(selectThreshold(table, 0.2, { answered: 5, wrong: 0 })).toMatchObject({ threshold: 0.5, answered: 11 });
  });

  it('falls back to the lowest error rate when no threshold meets the target', () => {
    const allWrongButOne: ConfidencePair[] = [
      { confidence: 0.9, correct: false },
      { confidence: 0.8, correct: true },
      { confidence: 0.7, correct: false },
    ];
    expect(selectThreshold(allWrongButOne, 0.1)).toMatchObject({ threshold: 0.8, errorRate: 0.5, meetsTarget: false });
  });
});

describe('calibration in the model', () => {
  const examples = [
    { text: 'tên miền hết hạn', department: 'domain' },
    { text: 'đổi nameserver tên miền', department: 'domain' },
    { text: 'hoá đơn sai mã số thuế', department: 'billing' },
    { text: 'xin hoàn tiền đơn hàng', department: 'billing' },
  ];

  it('the Classifier reports the isotonic-calibrated confidence and abstains on it', () => {
    const model = trainModel(examples, { calibrationFolds: 0, minFeatureCount: 1 });
    const raw = new Classifier(model, { rules: {} }).classify('ten mien het han');
    expect(raw.confidence).toBeGreaterThan(0.7);
    const flat = { ...model, confidenceCalibration: { method: 'isotonic' as const, x: [0, 1], y: [0.6, 0.6] } };
    const calibrated = new Classifier(flat, { rules: {} }).classify('ten mien het han');
    expect(calibrated.confidence).toBe(0.6);
    expect(calibrated.predicted).toBe(raw.predicted);
    expect(calibrated.runnerUp.confidence).toBeLessThanOrEqual(0.6);
    expect(calibrated.runnerUp.confidence).toBeCloseTo(0.4, 4); // two departments: what the top leaves
    const strict = new Classifier({ ...flat, thresholds: { ...flat.thresholds, minConfidence: 0.61 } }, { rules: {} });
    expect(strict.classify('ten mien het han')).toMatchObject({ abstained: true, reason: 'low_confidence' });
  });

  it('rejects a non-monotone or out-of-range map', () => {
    const model = trainModel(examples, { calibrationFolds: 0, minFeatureCount: 1 });
    expect(() => assertModelJson({ ...model, confidenceCalibration: { method: 'isotonic', x: [0, 1], y: [0.7, 0.6] } })).toThrow(
      /non-decreasing/,
    );
    expect(() => assertModelJson({ ...model, confidenceCalibration: { method: 'isotonic', x: [0, 1.5], y: [0.5, 0.6] } })).toThrow(
      /\[0, 1\]/,
    );
    expect(() => assertModelJson({ ...model, confidenceCalibration: { method: 'platt' } })).toThrow(/method/);
  });

  it('training sets the threshold from the target error rate (configurable) or takes a fixed one', () => {
    const corpus = readDefaultCorpus();
    const strict = trainModel(corpus, { targetErrorRate: 0.02 });
    const lenient = trainModel(corpus, { targetErrorRate: 0.1 });
    expect(strict.calibration?.targetErrorRate).toBe(0.02);
    expect(strict.calibration?.thresholdErrorRate).toBeLessThanOrEqual(0.02);
    expect(lenient.calibration?.thresholdErrorRate).toBeLessThanOrEqual(0.1);
    expect(strict.thresholds.minConfidence).toBeGreaterThan(lenient.thresholds.minConfidence);
    expect(strict.calibration?.abstentionRate).toBeGreaterThan(lenient.calibration?.abstentionRate as number);
    const fixed = trainModel(examples, { calibrationFolds: 2, minFeatureCount: 1, thresholds: { minConfidence: 0.8 } });
    expect(fixed.calibration?.method).toBeDefined();
    expect(fixed.thresholds.minConfidence).toBe(0.8);
  });
});
