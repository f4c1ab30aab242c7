/**
 * Classifier benchmark: classifies the development set's texts, repeated
 * until at least 50,000 classifications (BENCH_N to change), on one core,
 * prints texts/s, then the dev-set evaluation (accuracy among answered texts,
 * abstention rate, confusion matrix).
 *
 * Run after building: node bench/classify/dist/run.js (or with esbuild-register).
 * The dev set is read from ../shared/data/complaints-dev.jsonl beside the repo
 * (DEV_SET to override). It is used for measurement only, never for training.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate, formatEvaluation, getDefaultClassifier, readLabelledJsonl } from '@cg/classifier';

const N = Number(process.env.BENCH_N ?? 50_000);
const WARMUP = 5_000;

function findDevSet(): string {
  if (process.env.DEV_SET) return process.env.DEV_SET;
  // Works from bench/classify (ts) and bench/classify/dist (js), and from the repo root.
  const candidates = [
    path.resolve(__dirname, '../../../shared/data/complaints-dev.jsonl'),
    path.resolve(__dirname, '../../../../shared/data/complaints-dev.jsonl'),
    path.resolve(process.cwd(), '../shared/data/complaints-dev.jsonl'),
  ];
  const found = candidates.find((file) => fs.existsSync(file));
  if (found === undefined) throw new Error(`dev set not found (tried ${candidates.join(', ')}); set DEV_SET`);
  return found;
}

function main(): void {
  const devFile = findDevSet();
  const dev = readLabelledJsonl(devFile);
  const texts = dev.map((e) => e.text);
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
  console.log(`classifications:   ${total} (${rounds} × ${texts.length} dev texts, mean ${chars.toFixed(0)} chars)`);
  console.log(`elapsed:           ${seconds.toFixed(2)} s`);
  console.log(`throughput:        ${Math.round(total / seconds)} texts/s (target ≥ 5,000)`);
  console.log(`mean latency:      ${((seconds / total) * 1e6).toFixed(1)} µs`);
  console.log(`(checksum ${sink.toFixed(2)})`);
  console.log('');
  console.log(`dev-set evaluation (${devFile})`);
  process.stdout.write(formatEvaluation(evaluate(classifier, dev), { abstainLabel: classifier.abstainLabel, showErrors: true }));
}

main();
