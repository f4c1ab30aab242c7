/**
 * Training: count features per class, fit a softmax temperature on
 * cross-validated scores of the same corpus, measure the rules, and return a
 * plain JSON model. Deterministic: the same examples give the same JSON.
 */
import { createHash } from 'node:crypto';
import {
  fitIsotonic,
  fitTemperature,
  reliability,
  selectThreshold,
  type CalibrationMethod,
  type ConfidenceCalibration,
  type ConfidencePair,
  type Reliability,
  type ReliabilityInput,
} from './calibration';
import { decide } from './classifier';
import { ABSTAIN_LABEL, CorpusError, DEFAULT_DEPARTMENTS, type LabelledExample } from './corpus';
import { DEFAULT_FEATURE_OPTIONS, FAMILIES, forEachFeature, familyOf, type FeatureFamily, type FeatureOptions } from './features';
import { MODEL_FORMAT, MODEL_VERSION, softmax, type CalibrationReport, type ModelJson, type Thresholds } from './model';
import { DEFAULT_ABBREVIATIONS, foldTokens } from './normalize';
import { compileRules, decideByRules, DEFAULT_RULES, matchRules, type RuleSet } from './rules';

export interface TrainOptions {
  /** Department list, in output order. Default: DEFAULT_DEPARTMENTS present in the data, then any others sorted. */
  labels?: readonly string[];
  /** Label meaning "abstain"; examples carrying it are skipped. Default `triage`. */
  abstainLabel?: string;
  alpha?: number;
  featureOptions?: Partial<FeatureOptions>;
  /** Drop features seen in fewer documents (default 2). */
  minFeatureCount?: number;
  /**
   * Folds for the out-of-fold predictions the confidence calibration and the triage threshold
   * are fitted on; 0 or 1 skips calibration (the temperature option or 1 is used, and
   * thresholds.minConfidence or its default).
   */
  calibrationFolds?: number;
  /** Fixes the temperature instead of fitting it. */
  temperature?: number;
  /**
   * Highest error rate allowed among the texts the classifier answers (out-of-fold); the
   * abstention threshold minConfidence is the smallest that meets it. Default 0.05.
   */
  targetErrorRate?: number;
  /** Fixed thresholds; a minConfidence given here replaces the one chosen from targetErrorRate. */
  thresholds?: Partial<Thresholds>;
  rules?: RuleSet;
  abbreviations?: Readonly<Record<string, string>>;
}

export const DEFAULT_TRAIN_OPTIONS = {
  alpha: 1,
  minFeatureCount: 2,
  calibrationFolds: 5,
  /** minConfidence applies only without calibration (and is the "uncalibrated" baseline's). */
  thresholds: { minConfidence: 0.45, minMargin: 0.15 },
  targetErrorRate: 0.05,
  /** Reported rule confidence never goes above this, whatever the corpus says. */
  maxRuleConfidence: 0.97,
} as const;

export { fitTemperature };

/** Trains a model; throws CorpusError on unusable input. */
export function trainModel(examples: readonly LabelledExample[], options: TrainOptions = {}): ModelJson {
  const abstainLabel = options.abstainLabel ?? ABSTAIN_LABEL;
  const usable = examples.filter((e) => e.department !== abstainLabel);
  const labels = resolveLabels(usable, options.labels);
  const k = labels.length;
  const featureOptions: FeatureOptions = {
    ...DEFAULT_FEATURE_OPTIONS,
    ...options.featureOptions,
    familyWeights: { ...DEFAULT_FEATURE_OPTIONS.familyWeights, ...options.featureOptions?.familyWeights },
  };
  const abbreviations = options.abbreviations ?? DEFAULT_ABBREVIATIONS;
  const alpha = options.alpha ?? DEFAULT_TRAIN_OPTIONS.alpha;
  const minFeatureCount = options.minFeatureCount ?? DEFAULT_TRAIN_OPTIONS.minFeatureCount;
  const labelIndex = new Map(labels.map((l, i) => [l, i]));

  // Intern features: ids, their family, and per-example id lists.
  const featureIds = new Map<string, number>();
  const featureNames: string[] = [];
  const featureFamily: number[] = [];
  const lastSeen: number[] = [];
  const gold: number[] = [];
  const exampleFeatures: Int32Array[] = [];
  const exampleTokens: string[][] = [];
  usable.forEach((e, i) => {
    if (typeof e.text !== 'string') throw new CorpusError(`example ${i}: text must be a string`);
    const index = labelIndex.get(e.department);
    if (index === undefined) throw new CorpusError(`example ${i}: unknown department "${e.department}"`);
    const tokens = foldTokens(e.text, abbreviations);
    const ids: number[] = [];
    forEachFeature(tokens, featureOptions, (f) => {
      let id = featureIds.get(f);
      if (id === undefined) {
        id = featureNames.length;
        featureIds.set(f, id);
        featureNames.push(f);
        featureFamily.push(FAMILIES.indexOf(familyOf(f)));
        lastSeen.push(-1);
      }
      if (lastSeen[id] === i) return;
      lastSeen[id] = i;
      ids.push(id);
    });
    gold.push(index);
    exampleFeatures.push(Int32Array.from(ids));
    exampleTokens.push(tokens);
  });
  if (usable.length === 0) throw new CorpusError('no training examples');
  const counts = new Int32Array(featureNames.length * k);
  const classDocCounts = new Array<number>(k).fill(0);
  usable.forEach((_, i) => {
    const c = gold[i] as number;
    classDocCounts[c] = (classDocCounts[c] as number) + 1;
    for (const id of exampleFeatures[i] as Int32Array) counts[id * k + c] = (counts[id * k + c] as number) + 1;
  });

  const thresholds: Thresholds = {
    minConfidence: options.thresholds?.minConfidence ?? DEFAULT_TRAIN_OPTIONS.thresholds.minConfidence,
    minMargin: options.thresholds?.minMargin ?? DEFAULT_TRAIN_OPTIONS.thresholds.minMargin,
    ruleConfidence: options.thresholds?.ruleConfidence ?? 0.9,
  };
  const compiledRules = compileRules(options.rules ?? DEFAULT_RULES, abbreviations, labels);
  const ruleDecisions = exampleTokens.map((tokens) => decideByRules(matchRules(tokens, compiledRules)));
  let ruleDecided = 0;
  let ruleRight = 0;
  ruleDecisions.forEach((d, i) => {
    if (d === undefined) return;
    ruleDecided++;
    if (d === labels[gold[i] as number]) ruleRight++;
  });
  const rulePrecision = ruleDecided === 0 ? 0 : ruleRight / ruleDecided;
  if (options.thresholds?.ruleConfidence === undefined && ruleDecided > 0) {
    thresholds.ruleConfidence = round4(Math.min(rulePrecision, DEFAULT_TRAIN_OPTIONS.maxRuleConfidence));
  }

  const folds = options.calibrationFolds ?? DEFAULT_TRAIN_OPTIONS.calibrationFolds;
  let temperature = options.temperature ?? 1;
  let calibration: CalibrationReport | null = null;
  let confidenceCalibration: ConfidenceCalibration | undefined;
  const weights = FAMILIES.map((f) => featureOptions.familyWeights[f]);
  if (folds >= 2 && usable.length >= folds * 2) {
    // Cross-validation by subtraction: fold model counts = all counts − the fold's own counts.
    const foldOf = usable.map((e) => fnv1a(e.text) % folds);
    const scores: Float64Array[] = new Array<Float64Array>(usable.length);
    const knownWords = new Int32Array(usable.length);
    const nf = featureNames.length;
    const foldCounts = new Int32Array(nf * k);
    // log(n + alpha) for every count that can occur.
    const logTable = new Float64Array(usable.length + 1);
    for (let n = 0; n < logTable.length; n++) logTable[n] = Math.log(n + alpha);
    const nFamilies = FAMILIES.length;
    const acc = new Float64Array(nFamilies * k);
    const famCount = new Int32Array(nFamilies);
    for (let f = 0; f < folds; f++) {
      const members = usable.map((_, i) => i).filter((i) => foldOf[i] === f);
      foldCounts.fill(0);
      const foldClassDocs = new Array<number>(k).fill(0);
      for (const i of members) {
        const c = gold[i] as number;
        foldClassDocs[c] = (foldClassDocs[c] as number) + 1;
        for (const id of exampleFeatures[i] as Int32Array) foldCounts[id * k + c] = (foldCounts[id * k + c] as number) + 1;
      }
      const kept = new Uint8Array(nf);
      const totals = FAMILIES.map(() => new Float64Array(k));
      const vocab = FAMILIES.map(() => 0);
      for (let id = 0; id < nf; id++) {
        const base = id * k;
        let total = 0;
        for (let c = 0; c < k; c++) total += (counts[base + c] as number) - (foldCounts[base + c] as number);
        if (total < minFeatureCount) continue;
        kept[id] = 1;
        const fam = featureFamily[id] as number;
        vocab[fam] = (vocab[fam] as number) + 1;
        const t = totals[fam] as Float64Array;
        for (let c = 0; c < k; c++) t[c] = (t[c] as number) + (counts[base + c] as number) - (foldCounts[base + c] as number);
      }
      const trainDocs = usable.length - members.length;
      const logDen = FAMILIES.map((_, fam) =>
        Float64Array.from({ length: k }, (_, c) =>
          Math.log(((totals[fam] as Float64Array)[c] as number) + alpha * Math.max(vocab[fam] as number, 1)),
        ),
      );
      for (const i of members) {
        acc.fill(0);
        famCount.fill(0);
        for (const id of exampleFeatures[i] as Int32Array) {
          if (!kept[id]) continue;
          const fam = featureFamily[id] as number;
          famCount[fam] = (famCount[fam] as number) + 1;
          const base = id * k;
          const off = fam * k;
          for (let c = 0; c < k; c++) {
            acc[off + c] = (acc[off + c] as number) + (logTable[(counts[base + c] as number) - (foldCounts[base + c] as number)] as number);
          }
        }
        // Σ_f w·(log(n+α) − logDen) = w·(Σ_f log(n+α) − |f|·logDen), per family.
        const s = new Float64Array(k);
        for (let c = 0; c < k; c++) {
          let v = Math.log(((classDocCounts[c] as number) - (foldClassDocs[c] as number) + 1) / (trainDocs + k));
          for (let fam = 0; fam < nFamilies; fam++) {
            const w = weights[fam] as number;
            if (!w) continue;
            v += w * ((acc[fam * k + c] as number) - (famCount[fam] as number) * ((logDen[fam] as Float64Array)[c] as number));
          }
          s[c] = v;
        }
        scores[i] = s;
        knownWords[i] = weights[0] ? (famCount[0] as number) : 0;
      }
    }
    const outOfFold: OutOfFold = {
      scores,
      gold,
      fold: foldOf,
      tokenCount: exampleTokens.map((t) => t.length),
      knownWords,
      ruleDecisions,
    };
    const policy: CalibrationPolicy = {
      labels,
      thresholds,
      targetErrorRate: options.targetErrorRate ?? DEFAULT_TRAIN_OPTIONS.targetErrorRate,
      temperature: options.temperature,
      minConfidence: options.thresholds?.minConfidence,
    };
    // Each calibration is judged on predictions it was not fitted on: fitted (with its
    // threshold) on the out-of-fold predictions of k − 1 folds, applied to the remaining fold.
    const all = usable.map((_, i) => i);
    // Both methods start from the same temperature on the same folds: fit it once per fold.
    const foldTemperature = new Map<number, number>();
    const heldOut = (method: CalibrationMethod): Reliability => {
      const rows: ReliabilityInput[] = [];
      for (let f = 0; f < folds; f++) {
        const members = all.filter((i) => foldOf[i] !== f);
        const fitted = fitCalibration(outOfFold, members, method, policy, foldTemperature.get(f));
        foldTemperature.set(f, fitted.temperature);
        for (const i of all) if (foldOf[i] === f) rows.push(replay(outOfFold, i, fitted, policy));
      }
      return reliability(rows);
    };
    const uncalibrated: FittedCalibration = {
      temperature: 1,
      calibration: undefined,
      minConfidence: DEFAULT_TRAIN_OPTIONS.thresholds.minConfidence,
      thresholdErrorRate: Number.NaN,
    };
    const byMethod = {
      uncalibrated: reliability(all.map((i) => replay(outOfFold, i, uncalibrated, policy))),
      temperature: heldOut('temperature'),
      isotonic: heldOut('isotonic'),
    };
    // Keep whichever is better calibrated on held-out predictions. Isotonic regression can fix
    // any monotone distortion but has a parameter per block and steps; temperature scaling has
    // one parameter and is smooth. On a tie the simpler one, temperature, is kept.
    const method: CalibrationMethod = byMethod.isotonic.ece < byMethod.temperature.ece ? 'isotonic' : 'temperature';
    const fitted = fitCalibration(outOfFold, all, method, policy);
    temperature = fitted.temperature;
    confidenceCalibration = fitted.calibration;
    thresholds.minConfidence = fitted.minConfidence;
    // Replay the held-out scores through the full decision policy with the fitted calibration.
    let answered = 0;
    let correct = 0;
    let correctAnswered = 0;
    let logLoss = 0;
    usable.forEach((_, i) => {
      const d = decide({
        labels,
        thresholds,
        temperature,
        calibration: confidenceCalibration,
        logScores: scores[i] as Float64Array,
        tokenCount: (exampleTokens[i] as string[]).length,
        knownWordFeatures: knownWords[i] as number,
        ruleDepartment: ruleDecisions[i],
      });
      if (d.top === gold[i]) correct++;
      if (d.reason === undefined) {
        answered++;
        if (d.top === gold[i]) correctAnswered++;
      }
      logLoss -= Math.log(Math.max(softmax(scores[i] as Float64Array, temperature)[gold[i] as number] as number, 1e-12));
    });
    calibration = {
      folds,
      examples: usable.length,
      logLoss: round4(logLoss / usable.length),
      accuracy: round4(correct / usable.length),
      abstentionRate: round4(1 - answered / usable.length),
      accuracyAnswered: round4(answered === 0 ? 0 : correctAnswered / answered),
      rulePrecision: round4(rulePrecision),
      ruleCoverage: round4(ruleDecided / usable.length),
      method,
      targetErrorRate: policy.targetErrorRate,
      thresholdErrorRate: fitted.thresholdErrorRate,
      reliability: byMethod,
    };
  }

  // The final model on every example.
  const familyTotals = Object.fromEntries(FAMILIES.map((f) => [f, new Array<number>(k).fill(0)])) as Record<FeatureFamily, number[]>;
  const familyVocabulary = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<FeatureFamily, number>;
  const keptIds: number[] = [];
  for (let id = 0; id < featureNames.length; id++) {
    let total = 0;
    for (let c = 0; c < k; c++) total += counts[id * k + c] as number;
    if (total < minFeatureCount) continue;
    keptIds.push(id);
    const family = FAMILIES[featureFamily[id] as number] as FeatureFamily;
    familyVocabulary[family]++;
    for (let c = 0; c < k; c++) familyTotals[family][c] = (familyTotals[family][c] as number) + (counts[id * k + c] as number);
  }
  keptIds.sort((a, b) => {
    const x = featureNames[a] as string;
    const y = featureNames[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const modelCounts: Record<string, number[]> = {};
  for (const id of keptIds) modelCounts[featureNames[id] as string] = Array.from(counts.subarray(id * k, id * k + k));

  const corpusSha256 = createHash('sha256')
    .update(usable.map((e) => JSON.stringify([e.text, e.department])).join('\n'))
    .digest('hex');
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    labels,
    abstainLabel,
    featureOptions,
    alpha,
    minFeatureCount,
    temperature,
    ...(confidenceCalibration === undefined ? {} : { confidenceCalibration }),
    thresholds,
    calibration,
    corpusSha256,
    classDocCounts,
    familyTotals,
    familyVocabulary,
    counts: modelCounts,
  };
}

/** Out-of-fold predictions of the corpus: what a model trained without each example made of it. */
interface OutOfFold {
  scores: readonly Float64Array[];
  gold: readonly number[];
  fold: readonly number[];
  tokenCount: readonly number[];
  knownWords: ArrayLike<number>;
  ruleDecisions: readonly (string | undefined)[];
}

interface CalibrationPolicy {
  labels: readonly string[];
  /** minMargin and ruleConfidence are used as they are; minConfidence is what gets chosen. */
  thresholds: Thresholds;
  targetErrorRate: number;
  /** Fixed by the caller instead of fitted, when given. */
  temperature: number | undefined;
  minConfidence: number | undefined;
}

interface FittedCalibration {
  temperature: number;
  calibration: ConfidenceCalibration | undefined;
  minConfidence: number;
  /** Error rate among answered texts at minConfidence on the predictions it was fitted on. */
  thresholdErrorRate: number;
}

/** The classifier's decision on one out-of-fold prediction, with a fitted calibration. */
function decideOutOfFold(oof: OutOfFold, i: number, fitted: FittedCalibration, policy: CalibrationPolicy) {
  return decide({
    labels: policy.labels,
    thresholds: { ...policy.thresholds, minConfidence: fitted.minConfidence },
    temperature: fitted.temperature,
    calibration: fitted.calibration,
    logScores: oof.scores[i] as Float64Array,
    tokenCount: oof.tokenCount[i] as number,
    knownWordFeatures: oof.knownWords[i] as number,
    ruleDepartment: oof.ruleDecisions[i],
  });
}

function replay(oof: OutOfFold, i: number, fitted: FittedCalibration, policy: CalibrationPolicy): ReliabilityInput {
  const d = decideOutOfFold(oof, i, fitted, policy);
  return { confidence: d.topP, correct: d.top === oof.gold[i], answered: d.reason === undefined };
}

/**
 * Fits the temperature (NLL), then for `isotonic` the map from the temperature-scaled top
 * probability to the rate of right answers, then the smallest abstention threshold whose error
 * rate among answered texts meets the target, all on the out-of-fold predictions of `members`.
 */
function fitCalibration(
  oof: OutOfFold,
  members: readonly number[],
  method: CalibrationMethod,
  policy: CalibrationPolicy,
  knownTemperature?: number,
): FittedCalibration {
  const temperature =
    policy.temperature ??
    knownTemperature ??
    round4(
      fitTemperature(
        members.map((i) => oof.scores[i] as Float64Array),
        members.map((i) => oof.gold[i] as number),
      ),
    );
  let calibration: ConfidenceCalibration = { method: 'temperature' };
  if (method === 'isotonic') {
    const pairs: ConfidencePair[] = members.map((i) => {
      const probs = softmax(oof.scores[i] as Float64Array, temperature);
      let top = 0;
      for (let c = 1; c < probs.length; c++) if ((probs[c] as number) > (probs[top] as number)) top = c;
      return { confidence: probs[top] as number, correct: top === oof.gold[i] };
    });
    calibration = { method: 'isotonic', ...fitIsotonic(pairs) };
  }
  // Decisions with no confidence floor: rules answer whatever the threshold, texts the margin
  // or an unknown vocabulary sends to triage stay there, the rest are the threshold's to decide.
  const open: FittedCalibration = { temperature, calibration, minConfidence: 0, thresholdErrorRate: Number.NaN };
  const candidates: ConfidencePair[] = [];
  const byRules = { answered: 0, wrong: 0 };
  for (const i of members) {
    const d = decideOutOfFold(oof, i, open, policy);
    const correct = d.top === oof.gold[i];
    if (d.decidedBy === 'rules') {
      byRules.answered++;
      if (!correct) byRules.wrong++;
    } else if (d.reason === undefined) candidates.push({ confidence: d.topP, correct });
  }
  const choice = selectThreshold(candidates, policy.targetErrorRate, byRules);
  if (policy.minConfidence === undefined) {
    return { temperature, calibration, minConfidence: choice.threshold, thresholdErrorRate: choice.errorRate };
  }
  const fixed = candidates.filter((p) => p.confidence >= (policy.minConfidence as number));
  const wrong = byRules.wrong + fixed.filter((p) => !p.correct).length;
  const answered = byRules.answered + fixed.length;
  return {
    temperature,
    calibration,
    minConfidence: policy.minConfidence,
    thresholdErrorRate: round4(answered === 0 ? 0 : wrong / answered),
  };
}

function resolveLabels(examples: readonly LabelledExample[], given: readonly string[] | undefined): string[] {
  if (given !== undefined) {
    const labels = [...new Set(given)];
    if (labels.length < 2) throw new CorpusError('at least two departments are needed');
    return labels;
  }
  const present = new Set(examples.map((e) => e.department));
  const labels = DEFAULT_DEPARTMENTS.filter((d) => present.has(d));
  const extra = [...present].filter((d) => !DEFAULT_DEPARTMENTS.includes(d)).sort();
  const all = [...labels, ...extra];
  if (all.length < 2) throw new CorpusError('at least two departments are needed in the examples');
  return all;
}

/** 32-bit FNV-1a of a string's UTF-16 code units: a stable fold assignment. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/**
 * The model as JSON text: settings pretty-printed, one feature per line,
 * so a retrain shows up as a readable diff.
 */
export function serializeModel(model: ModelJson): string {
  const { counts, ...rest } = model;
  const head = JSON.stringify(rest, null, 2);
  const lines = Object.entries(counts).map(([f, row]) => `    ${JSON.stringify(f)}: ${JSON.stringify(row)}`);
  return `${head.slice(0, -2)},\n  "counts": {\n${lines.join(',\n')}\n  }\n}\n`;
}
