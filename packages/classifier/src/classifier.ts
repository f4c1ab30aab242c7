/**
 * The classifier: rules first, naive Bayes second, abstention to triage when
 * neither is sure. Stateless after construction, so one instance can serve
 * any number of callers.
 */
import * as fs from 'node:fs';
import { calibrateConfidence, type ConfidenceCalibration } from './calibration';
import { hasTwoLetters } from './features';
import {
  assertModelJson,
  buildScoringTables,
  softmax,
  type FeatureEntry,
  type ModelJson,
  type ScoringTables,
  type Thresholds,
} from './model';
import { DEFAULT_ABBREVIATIONS, foldTokens } from './normalize';
import { DEFAULT_MODEL_PATH } from './paths';
import { compileRules, decideByRules, DEFAULT_RULES, matchRules, type CompiledRules, type RuleSet } from './rules';
import { compileUrgency, detectUrgency, URGENCY_PHRASES, type CompiledUrgency, type Urgency, type UrgencyFlag } from './urgency';

export type AbstainReason = 'low_confidence' | 'too_close' | 'empty';

export interface FeatureEvidence {
  /** Feature key: `w:<word>`, `b:<word>_<word>` or `c:<char n-gram>` (folded text). */
  feature: string;
  /** Department the feature argues for. */
  department: string;
  /** Log-likelihood ratio against the runner-up (higher = stronger). */
  weight: number;
}

export interface Classification {
  /** Chosen department, or the abstain label (`triage`) when abstained. */
  department: string;
  /** Calibrated probability that the best department is right (even when abstained). */
  confidence: number;
  /** The best department whatever the abstention: what a triage agent would be offered first. */
  predicted: string;
  runnerUp: { department: string; confidence: number };
  abstained: boolean;
  reason?: AbstainReason;
  /** Which layer decided: an unambiguous rule, the model, or nothing (abstained). */
  decidedBy: 'rules' | 'model' | 'none';
  evidence: {
    /** Matched rule phrases as `department:phrase` (folded). */
    rules: string[];
    features: FeatureEvidence[];
  };
  urgency: Urgency;
}

export interface ClassifierOptions {
  /** Phrase rules per department (defaults to DEFAULT_RULES); departments not in the model are ignored. */
  rules?: RuleSet;
  abbreviations?: Readonly<Record<string, string>>;
  urgencyPhrases?: Readonly<Record<UrgencyFlag, readonly string[]>>;
  /** Override the thresholds stored in the model. */
  thresholds?: Partial<Thresholds>;
  /** How many feature evidence entries to report (default 5). */
  evidenceSize?: number;
}

export interface RawScores {
  labels: string[];
  /** Unnormalised log scores (prior + weighted log-likelihoods). */
  logScores: Float64Array;
  /** Features of the text that the model knows. */
  knownFeatures: string[];
  knownWordFeatures: number;
  /** The table entries behind knownFeatures. */
  entries: FeatureEntry[];
}

export class Classifier {
  readonly model: ModelJson;
  readonly labels: readonly string[];
  readonly abstainLabel: string;
  readonly thresholds: Thresholds;
  private readonly tables: ScoringTables;
  private readonly rules: CompiledRules;
  private readonly urgency: CompiledUrgency;
  private readonly abbreviations: Readonly<Record<string, string>>;
  private readonly evidenceSize: number;
  private stamp = 0;

  constructor(model: ModelJson, options: ClassifierOptions = {}) {
    assertModelJson(model);
    this.model = model;
    this.labels = model.labels.slice();
    this.abstainLabel = model.abstainLabel;
    this.thresholds = { ...model.thresholds, ...options.thresholds };
    this.tables = buildScoringTables(model);
    this.abbreviations = options.abbreviations ?? DEFAULT_ABBREVIATIONS;
    this.rules = compileRules(options.rules ?? DEFAULT_RULES, this.abbreviations, model.labels);
    this.urgency = compileUrgency(options.urgencyPhrases ?? URGENCY_PHRASES, this.abbreviations);
    this.evidenceSize = options.evidenceSize ?? 5;
  }

  /** Model scores only, without rules or thresholds (used for calibration and tests). */
  scoreTokens(tokens: readonly string[]): RawScores {
    const entries = this.knownEntries(tokens);
    const k = this.labels.length;
    const logScores = Float64Array.from(this.tables.logPrior);
    let knownWordFeatures = 0;
    for (const entry of entries) {
      if (entry.feature.charCodeAt(0) === 119 /* w */) knownWordFeatures++;
      const vec = entry.vec;
      for (let c = 0; c < k; c++) logScores[c] = (logScores[c] as number) + (vec[c] as number);
    }
    return { labels: this.tables.labels, logScores, knownFeatures: entries.map((e) => e.feature), knownWordFeatures, entries };
  }

  /**
   * The distinct known features of a text, found by direct lookups of token
   * and substring keys (the same features extractFeatures yields, without
   * building them as strings first).
   */
  private knownEntries(tokens: readonly string[]): FeatureEntry[] {
    const { word, bigram, char } = this.tables;
    const options = this.model.featureOptions;
    const stamp = ++this.stamp;
    const found: FeatureEntry[] = [];
    const take = (entry: FeatureEntry | undefined): void => {
      if (entry !== undefined && entry.stamp !== stamp) {
        entry.stamp = stamp;
        found.push(entry);
      }
    };
    const n = tokens.length;
    if (n === 0) return found;
    for (let i = 0; i < n; i++) {
      const token = tokens[i] as string;
      take(word.get(token));
      if (options.bigrams && i + 1 < n) take(bigram.get(token + '_' + (tokens[i + 1] as string)));
    }
    if (char.size > 0 && options.charNgramMin > 0) {
      const text = ' ' + tokens.join(' ') + ' ';
      const len = text.length;
      for (let g = options.charNgramMin; g <= options.charNgramMax; g++) {
        for (let i = 0; i + g <= len; i++) {
          if (hasTwoLetters(text, i, g)) take(char.get(text.slice(i, i + g)));
        }
      }
    }
    return found;
  }

  score(text: string): RawScores {
    return this.scoreTokens(foldTokens(text, this.abbreviations));
  }

  /** Probabilities per department (model only, temperature applied). */
  probabilities(text: string): Record<string, number> {
    const probs = softmax(this.score(text).logScores, this.model.temperature);
    return Object.fromEntries(this.labels.map((label, i) => [label, probs[i] as number]));
  }

  classify(text: string): Classification {
    const tokens = foldTokens(typeof text === 'string' ? text : '', this.abbreviations);
    const raw = this.scoreTokens(tokens);
    const ruleMatches = matchRules(tokens, this.rules);
    const d = decide({
      labels: this.labels,
      thresholds: this.thresholds,
      temperature: this.model.temperature,
      calibration: this.model.confidenceCalibration,
      logScores: raw.logScores,
      tokenCount: tokens.length,
      knownWordFeatures: raw.knownWordFeatures,
      ruleDepartment: decideByRules(ruleMatches),
    });
    const topLabel = this.labels[d.top] as string;
    const result: Classification = {
      department: d.reason !== undefined ? this.abstainLabel : topLabel,
      confidence: round(d.topP),
      predicted: topLabel,
      runnerUp: { department: this.labels[d.second] as string, confidence: round(d.secondP) },
      abstained: d.reason !== undefined,
      decidedBy: d.decidedBy,
      evidence: {
        rules: ruleMatches.map((m) => `${m.department}:${m.phrase}`),
        features: this.featureEvidence(raw.entries, d.top, d.second),
      },
      urgency: detectUrgency(tokens, this.urgency),
    };
    if (d.reason !== undefined) result.reason = d.reason;
    return result;
  }

  /**
   * Features that most favour `winner` over `other` (top few, no full sort).
   * Words and bigrams made only of function words ("chúng tôi", "the") and
   * character n-grams are only shown when nothing more readable argues for
   * the winner: they weigh in the score but explain little to a human.
   */
  private featureEvidence(entries: readonly FeatureEntry[], winner: number, other: number): FeatureEvidence[] {
    const size = this.evidenceSize;
    if (size <= 0) return [];
    const pick = (readable: boolean): { entry: FeatureEntry; weight: number }[] => {
      const best: { entry: FeatureEntry; weight: number }[] = [];
      for (const entry of entries) {
        if (isReadableEvidence(entry.feature) !== readable) continue;
        const weight = (entry.vec[winner] as number) - (entry.vec[other] as number);
        if (weight <= 0) continue;
        if (best.length === size && weight <= (best[size - 1] as { weight: number }).weight) continue;
        let at = best.length;
        while (at > 0 && (best[at - 1] as { weight: number }).weight < weight) at--;
        best.splice(at, 0, { entry, weight });
        if (best.length > size) best.pop();
      }
      return best;
    };
    let best = pick(true);
    if (best.length < size) best = best.concat(pick(false).slice(0, size - best.length));
    const department = this.labels[winner] as string;
    return best.map(({ entry, weight }) => ({ feature: entry.feature, department, weight: round(weight) }));
  }
}

/** Function words (folded) that never make good evidence on their own. */
const EVIDENCE_STOPWORDS = new Set(
  (
    'toi chung ta minh ban em anh chi cua la va thi ma bi da dang se co cho voi duoc khong chua van nhung cac mot ' +
    'nay do nao gi roi lai con cung rat qua nen vi de tu den tai trong ngoai sau truoc khi neu hay oi a u nhe ' +
    'the an and or to of in on for with is are was were be been my our your we i you it this that not no have has'
  ).split(' '),
);

function isReadableEvidence(feature: string): boolean {
  const kind = feature.charCodeAt(0);
  if (kind === 119 /* w */) return !EVIDENCE_STOPWORDS.has(feature.slice(2));
  if (kind === 98 /* b */)
    return feature
      .slice(2)
      .split('_')
      .some((w) => !EVIDENCE_STOPWORDS.has(w));
  return false;
}

export interface DecisionInput {
  labels: readonly string[];
  thresholds: Thresholds;
  temperature: number;
  /** Maps the temperature-scaled top probability to the reported confidence (absent: as is). */
  calibration?: ConfidenceCalibration | undefined;
  logScores: ArrayLike<number>;
  tokenCount: number;
  knownWordFeatures: number;
  /** The department an unambiguous rule names, if any. */
  ruleDepartment: string | undefined;
}

export interface Decision {
  top: number;
  second: number;
  /** Calibrated confidence of `top`. */
  topP: number;
  /** Probability of `second`, rescaled to what the calibration leaves (never above topP). */
  secondP: number;
  decidedBy: Classification['decidedBy'];
  reason?: AbstainReason;
}

/**
 * The decision policy, shared by the classifier and the trainer's
 * cross-validation: an unambiguous rule decides; otherwise the model does,
 * unless the text is empty, has no known word, the calibrated confidence is
 * below `minConfidence` or the top-two margin of the model's distribution is
 * below `minMargin`.
 */
export function decide(input: DecisionInput): Decision {
  const probs = softmax(input.logScores, input.temperature);
  const order = Array.from(probs.keys()).sort((a, b) => (probs[b] as number) - (probs[a] as number) || a - b);
  let top = order[0] as number;
  let second = order[1] as number;
  const modelTopP = probs[top] as number;
  const modelSecondP = probs[second] as number;
  let topP = calibrateConfidence(input.calibration, modelTopP);
  // The other departments share what the calibrated top leaves, in the model's proportions.
  const restScale = (1 - topP) / Math.max(1 - modelTopP, 1e-12);
  let secondP = Math.min(modelSecondP * restScale, topP);
  const r = input.ruleDepartment === undefined ? -1 : input.labels.indexOf(input.ruleDepartment);
  const { minConfidence, minMargin, ruleConfidence } = input.thresholds;
  let reason: AbstainReason | undefined;
  if (input.tokenCount === 0) reason = 'empty';
  else if (r >= 0) {
    const modelRuleP = r === top ? topP : Math.min((probs[r] as number) * restScale, topP);
    const ruleP = Math.max(modelRuleP, ruleConfidence);
    // Rescale the others so that the distribution still sums to one.
    const scale = (1 - ruleP) / Math.max(1 - (probs[r] as number), 1e-12);
    top = r;
    topP = ruleP;
    second = order.find((i) => i !== r) as number;
    secondP = Math.min((probs[second] as number) * scale, 1 - ruleP);
    return { top, second, topP, secondP, decidedBy: 'rules' };
  }
  // No word the model has ever seen: gibberish, a bare number, another language.
  else if (input.knownWordFeatures === 0) reason = 'low_confidence';
  else if (topP < minConfidence) reason = 'low_confidence';
  else if (modelTopP - modelSecondP < minMargin) reason = 'too_close';
  if (reason !== undefined) return { top, second, topP, secondP, decidedBy: 'none', reason };
  return { top, second, topP, secondP, decidedBy: 'model' };
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** A classifier from a parsed model JSON (or its text). */
export function loadModel(json: ModelJson | string, options?: ClassifierOptions): Classifier {
  const model: unknown = typeof json === 'string' ? JSON.parse(json) : json;
  assertModelJson(model);
  return new Classifier(model, options);
}

/** A classifier from a model file on disk. */
export function loadModelFile(file: string, options?: ClassifierOptions): Classifier {
  return loadModel(fs.readFileSync(file, 'utf8'), options);
}

/** The committed model JSON (src/model/model.json), read once. */
let defaultModel: ModelJson | undefined;
export function defaultModelJson(): ModelJson {
  if (defaultModel === undefined) {
    const parsed: unknown = JSON.parse(fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8'));
    assertModelJson(parsed);
    defaultModel = parsed;
  }
  return defaultModel;
}

let defaultClassifier: Classifier | undefined;
/** A shared classifier on the committed model, built on first use. */
export function getDefaultClassifier(): Classifier {
  defaultClassifier ??= new Classifier(defaultModelJson());
  return defaultClassifier;
}

/** Classify with the committed model. */
export function classify(text: string): Classification {
  return getDefaultClassifier().classify(text);
}
