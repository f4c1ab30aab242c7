/**
 * Confidence calibration: making "confidence 0.9" mean "right nine times in ten".
 *
 * Naive Bayes treats features as independent, so its raw probabilities are far too sure of
 * themselves. Two calibrations are fitted on out-of-fold predictions of the corpus (train.ts):
 *
 * - temperature scaling: scores are divided by T before the softmax, T minimising the
 *   negative log-likelihood of the gold label (one parameter; keeps the whole distribution);
 * - isotonic regression (pool-adjacent-violators) of "top answer right" on the
 *   temperature-scaled top probability, stored as breakpoints and interpolated linearly.
 *
 * The trainer keeps the one with the lower expected calibration error on held-out folds. This
 * module also holds the reliability figures (ECE, error rate at confidence ≥ 0.9) and the choice
 * of the triage threshold from a target error rate.
 */

/** Breakpoints of a non-decreasing map from [0, 1] to [0, 1], linear in between, flat outside. */
export interface IsotonicMap {
  x: number[];
  y: number[];
}

/**
 * How the model's top probability becomes the reported confidence. Absent in models trained
 * before calibration was chosen (they behave as `temperature`).
 */
export type ConfidenceCalibration = { method: 'temperature' } | ({ method: 'isotonic' } & IsotonicMap);

export type CalibrationMethod = ConfidenceCalibration['method'];

/** One prediction for calibration: its confidence and whether the answer was right. */
export interface ConfidencePair {
  confidence: number;
  correct: boolean;
}

/** Temperature minimising the mean negative log-likelihood (golden-section search on log T). */
export function fitTemperature(scores: readonly ArrayLike<number>[], gold: readonly number[]): number {
  const nll = (logT: number): number => meanNegativeLogLikelihood(scores, gold, Math.exp(logT));
  let lo = Math.log(0.05);
  let hi = Math.log(1000);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  // 40 steps shrink the bracket (width log 20,000) by 0.618^40 ≈ 4e-9: far below the 4 decimals kept.
  for (let i = 0; i < 40; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Mean −log P(gold) of softmax(scores / temperature) (log-sum-exp, no allocation: the fit calls it often). */
export function meanNegativeLogLikelihood(scores: readonly ArrayLike<number>[], gold: readonly number[], temperature: number): number {
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i] as ArrayLike<number>;
    let max = -Infinity;
    for (let c = 0; c < s.length; c++) max = Math.max(max, (s[c] as number) / temperature);
    let total = 0;
    for (let c = 0; c < s.length; c++) total += Math.exp((s[c] as number) / temperature - max);
    const logGold = (s[gold[i] as number] as number) / temperature - max - Math.log(total);
    sum -= Math.max(logGold, Math.log(1e-300));
  }
  return sum / Math.max(scores.length, 1);
}

/**
 * Isotonic regression of correctness on confidence by pool-adjacent-violators. Each pooled
 * block's rate is smoothed as (right + 1) / (n + 2), so that a block that was never wrong on a
 * few hundred texts does not promise certainty (1.0) on new ones; a running maximum keeps the
 * smoothed values non-decreasing. Each block contributes its lowest and highest confidence as
 * breakpoints.
 */
export function fitIsotonic(pairs: readonly ConfidencePair[]): IsotonicMap {
  const sorted = pairs.slice().sort((a, b) => a.confidence - b.confidence);
  interface Block {
    lo: number;
    hi: number;
    right: number;
    n: number;
  }
  const blocks: Block[] = [];
  let i = 0;
  while (i < sorted.length) {
    // Equal confidences form one block: a map cannot tell them apart.
    const lo = (sorted[i] as ConfidencePair).confidence;
    const block: Block = { lo, hi: lo, right: 0, n: 0 };
    while (i < sorted.length && (sorted[i] as ConfidencePair).confidence === lo) {
      block.n++;
      if ((sorted[i] as ConfidencePair).correct) block.right++;
      i++;
    }
    blocks.push(block);
    // Pool while the previous block's rate is not below this one's.
    while (blocks.length >= 2) {
      const last = blocks[blocks.length - 1] as Block;
      const prev = blocks[blocks.length - 2] as Block;
      if (prev.right / prev.n < last.right / last.n) break;
      blocks.splice(blocks.length - 2, 2, { lo: prev.lo, hi: last.hi, right: prev.right + last.right, n: prev.n + last.n });
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  let floor = 0;
  for (const block of blocks) {
    const rate = Math.max(floor, round6((block.right + 1) / (block.n + 2)));
    floor = rate;
    for (const at of block.lo === block.hi ? [block.lo] : [block.lo, block.hi]) {
      x.push(round6(at));
      y.push(rate);
    }
  }
  return { x, y };
}

/** The map at `value`: linear between breakpoints, the end values outside them. */
export function applyIsotonic(map: IsotonicMap, value: number): number {
  const { x, y } = map;
  const n = x.length;
  if (n === 0) return value;
  if (value <= (x[0] as number)) return y[0] as number;
  if (value >= (x[n - 1] as number)) return y[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= value) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const x1 = x[hi] as number;
  const y0 = y[lo] as number;
  const y1 = y[hi] as number;
  return x1 === x0 ? y1 : y0 + ((y1 - y0) * (value - x0)) / (x1 - x0);
}

/** The reported confidence for the model's (temperature-scaled) top probability. */
export function calibrateConfidence(calibration: ConfidenceCalibration | undefined, topProbability: number): number {
  return calibration?.method === 'isotonic' ? applyIsotonic(calibration, topProbability) : topProbability;
}

/**
 * Expected calibration error: predictions binned by confidence into `bins` equal-width bins
 * ([0, 0.1), …, [0.9, 1.0]), Σ (bin size / total) × |accuracy in bin − mean confidence in bin|.
 */
export function expectedCalibrationError(pairs: readonly ConfidencePair[], bins = 10): number {
  if (pairs.length === 0) return 0;
  const count = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  for (const p of pairs) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p.confidence * bins)));
    count[b] = (count[b] as number) + 1;
    confidence[b] = (confidence[b] as number) + p.confidence;
    if (p.correct) right[b] = (right[b] as number) + 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b] as number;
    if (n === 0) continue;
    ece += (n / pairs.length) * Math.abs((right[b] as number) / n - (confidence[b] as number) / n);
  }
  return ece;
}

/** One classified text, for the reliability figures. */
export interface ReliabilityInput extends ConfidencePair {
  /** False when the classifier sent the text to triage. */
  answered: boolean;
}

/** How far the confidence can be trusted, and what the abstention policy makes of it. */
export interface Reliability {
  examples: number;
  /** Expected calibration error over every text's best guess (10 equal-width bins). */
  ece: number;
  /** Answered texts with confidence ≥ 0.9, and the share of them that were wrong. */
  answeredAtOrAbove90: number;
  errorRateAtOrAbove90: number;
  abstentionRate: number;
  accuracyAnswered: number;
}

export const HIGH_CONFIDENCE = 0.9;

export function reliability(rows: readonly ReliabilityInput[]): Reliability {
  const answered = rows.filter((r) => r.answered);
  const high = answered.filter((r) => r.confidence >= HIGH_CONFIDENCE);
  return {
    examples: rows.length,
    ece: round4(expectedCalibrationError(rows)),
    answeredAtOrAbove90: high.length,
    errorRateAtOrAbove90: round4(ratio(high.filter((r) => !r.correct).length, high.length)),
    abstentionRate: round4(ratio(rows.length - answered.length, rows.length)),
    accuracyAnswered: round4(ratio(answered.filter((r) => r.correct).length, answered.length)),
  };
}

export interface ThresholdChoice {
  /** Answer when the confidence is ≥ this. */
  threshold: number;
  /** Error rate among answered texts at that threshold (the always-answered ones included). */
  errorRate: number;
  answered: number;
  /** False when no threshold reaches the target (the threshold then minimises the error rate). */
  meetsTarget: boolean;
}

/**
 * The smallest confidence threshold at which the error rate among answered texts is ≤
 * `targetErrorRate`. `candidates` are the texts the threshold decides (the model's answers);
 * `alwaysAnswered` counts texts answered whatever the threshold (unambiguous rules), which
 * count in the error rate as they do in production. When no threshold meets the target, the
 * one with the lowest error rate is returned (with no text at all, 1). The threshold is a candidate's confidence,
 * rounded down to 6 decimals so that candidate stays answered.
 */
export function selectThreshold(
  candidates: readonly ConfidencePair[],
  targetErrorRate: number,
  alwaysAnswered: { answered: number; wrong: number } = { answered: 0, wrong: 0 },
): ThresholdChoice {
  // Sweep from the most confident down: each distinct confidence is a possible threshold.
  const sorted = candidates.slice().sort((a, b) => b.confidence - a.confidence);
  let answered = alwaysAnswered.answered;
  let wrong = alwaysAnswered.wrong;
  // A threshold above every candidate leaves only the always-answered texts (if there are any:
  // answering nothing is no choice).
  const only: ThresholdChoice = { threshold: 1, errorRate: ratio(wrong, answered), answered, meetsTarget: false };
  only.meetsTarget = answered > 0 && only.errorRate <= targetErrorRate;
  let smallestMeeting: ThresholdChoice | undefined = only.meetsTarget ? only : undefined;
  let lowest: ThresholdChoice | undefined = answered > 0 ? only : undefined;
  let i = 0;
  while (i < sorted.length) {
    const at = (sorted[i] as ConfidencePair).confidence;
    while (i < sorted.length && (sorted[i] as ConfidencePair).confidence === at) {
      answered++;
      if (!(sorted[i] as ConfidencePair).correct) wrong++;
      i++;
    }
    const errorRate = ratio(wrong, answered);
    const choice: ThresholdChoice = { threshold: floor6(at), errorRate, answered, meetsTarget: errorRate <= targetErrorRate };
    if (choice.meetsTarget) smallestMeeting = choice;
    // On equal error rates the lower threshold answers more.
    if (lowest === undefined || choice.errorRate <= lowest.errorRate) lowest = choice;
  }
  const best = smallestMeeting ?? { ...(lowest ?? only), meetsTarget: false };
  return { ...best, errorRate: round4(best.errorRate) };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function floor6(x: number): number {
  return Math.floor(x * 1e6) / 1e6;
}
