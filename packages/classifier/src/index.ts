export { normalizeForStorage, foldForMatching, foldTokens, foldBasic, DEFAULT_ABBREVIATIONS } from './normalize';
export { extractFeatures, DEFAULT_FEATURE_OPTIONS, type FeatureOptions, type FeatureFamily } from './features';
export { DEFAULT_RULES, compileRules, matchRules, decideByRules, type RuleSet, type RuleMatch, type CompiledRules } from './rules';
export {
  detectUrgency,
  compileUrgency,
  priorityOf,
  URGENCY_PHRASES,
  type Urgency,
  type UrgencyFlag,
  type Priority,
  type CompiledUrgency,
} from './urgency';
export { PhraseMatcher, type Phrase } from './phrase-matcher';
export {
  MODEL_FORMAT,
  MODEL_VERSION,
  ModelFormatError,
  assertModelJson,
  softmax,
  type ModelJson,
  type Thresholds,
  type CalibrationReport,
} from './model';
export {
  Classifier,
  loadModel,
  loadModelFile,
  defaultModelJson,
  getDefaultClassifier,
  classify,
  type Classification,
  type ClassifierOptions,
  type AbstainReason,
  type FeatureEvidence,
  type RawScores,
} from './classifier';
export { trainModel, serializeModel, fitTemperature, DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './train';
export {
  fitIsotonic,
  applyIsotonic,
  calibrateConfidence,
  expectedCalibrationError,
  meanNegativeLogLikelihood,
  reliability,
  selectThreshold,
  HIGH_CONFIDENCE,
  type ConfidenceCalibration,
  type CalibrationMethod,
  type ConfidencePair,
  type IsotonicMap,
  type Reliability,
  type ReliabilityInput,
  type ThresholdChoice,
} from './calibration';
export { compareOn, outOfFoldRows, formatReliability, reliabilityOn, uncalibratedModel, type ReliabilityRow } from './reliability-report';
export {
  parseLabelledJsonl,
  readLabelledJsonl,
  readDefaultCorpus,
  CorpusError,
  DEFAULT_DEPARTMENTS,
  ABSTAIN_LABEL,
  type LabelledExample,
  type ParsedJsonl,
} from './corpus';
export { evaluate, formatEvaluation, type EvaluationReport, type DepartmentScores, type ClassifierLike } from './evaluate';
export { runClassifyCommand, runEvaluateCommand, runTrainCommand, type CommandIo } from './cli';
export { DEFAULT_MODEL_PATH, DEFAULT_CORPUS_PATH, PACKAGE_ROOT } from './paths';
