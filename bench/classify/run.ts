/**
 * Classifier benchmark: classifies a set of texts, repeated until at least 50,000
 * classifications (BENCH_N to change), on one core, prints texts/s; retrains the committed
 * recipe on the corpus and prints the reliability of its confidence on held-out folds (expected
 * calibration error, error rate among answers at confidence ≥ 0.9, abstentions, accuracy among
 * answered; uncalibrated, temperature and isotonic); then evaluates the committed model on the
 * labelled file given (the same figures before / after calibration, confusion matrix).
 *
 *   npm run bench:classify -- <labelled.jsonl>    e.g. a development set kept outside the repository
 *   npm run bench:classify                        throughput and held-out-fold reliability on the
 *                                                 committed corpus only
 *
 * A measurement set is used for measurement only, never for training. Relative paths are taken
 * from where npm was run.
 */
import * as path from 'node:path';
import {
  compareOn,
  evaluate,
  formatEvaluation,
  formatReliability,
  getDefaultClassifier,
  outOfFoldRows,
  readDefaultCorpus,
  readLabelledJsonl,
  trainModel,
} from '@cg/classifier';

const N = Number(process.env.BENCH_N ?? 50_000);
const WARMUP = 5_000;

/** The labelled file named on the command line (or in DEV_SET), relative to where npm was run. */
function measurementSet(): string | undefined {
  const arg = process.argv[2] ?? process.env.DEV_SET;
  return arg === undefined || arg === '' ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), arg);
}

function main(): void {
  const devFile = measurementSet();
  const dev = devFile === undefined ? undefined : readLabelledJsonl(devFile);
  const texts = (dev ?? readDefaultCorpus()).map((e) => e.text);
  const loadStart = process.hrtime.bigint();
  const classifier = getDefaultClassifier();
  const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;

  let sink = 0;
  for (let i = 0; i < WARMUP; i++) sink += classifier.classify(texts[i % texts.length] as string).confidence;

  const rounds = Math.ceil(N / texts.length);
  const total = rounds * texts.length;
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) sink += classifier.classify(text).confidence;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const chars = texts.reduce((a, t) => a + t.length, 0) / texts.length;

  console.log(`classifier benchmark (node ${process.version}, one core)`);
  console.log(`model load:        ${loadMs.toFixed(0)} ms`);
  console.log(
    `classifications:   ${total} (${rounds} × ${texts.length} ${dev ? 'measurement' : 'corpus'} texts, mean ${chars.toFixed(0)} chars)`,
  );
  console.log(`elapsed:           ${seconds.toFixed(2)} s`);
  console.log(`throughput:        ${Math.round(total / seconds)} texts/s (target ≥ 5,000)`);
  console.log(`mean latency:      ${((seconds / total) * 1e6).toFixed(1)} µs`);
  console.log(`(checksum ${sink.toFixed(2)})`);

  // The recipe's own out-of-fold measurement: every figure is on texts the model (and the
  // calibration) did not see. The committed model is this recipe on the whole corpus.
  const corpus = readDefaultCorpus();
  const trainStart = process.hrtime.bigint();
  const retrained = trainModel(corpus);
  const trainMs = Number(process.hrtime.bigint() - trainStart) / 1e6;
  const c = retrained.calibration;
  console.log('');
  console.log(`retrain on the corpus (${corpus.length} texts, with calibration): ${trainMs.toFixed(0)} ms`);
  console.log(
    `confidence reliability on held-out folds (${c?.folds ?? 0} folds; * = kept, threshold ${retrained.thresholds.minConfidence} ` +
      `for ≤ ${((c?.targetErrorRate ?? 0) * 100).toFixed(1)} % errors among answered)`,
  );
  process.stdout.write(formatReliability(outOfFoldRows(retrained)));
  if (dev === undefined || devFile === undefined) {
    console.log('(no labelled file given: `npm run bench:classify -- <file.jsonl>` also evaluates on it)');
    return;
  }
  console.log('');
  console.log(`evaluation on ${devFile}`);
  process.stdout.write(formatEvaluation(evaluate(classifier, dev), { abstainLabel: classifier.abstainLabel, showErrors: true }));
  console.log('');
  console.log('confidence reliability (before / after calibration)');
  process.stdout.write(formatReliability(compareOn(classifier.model, dev)));
}

main();
