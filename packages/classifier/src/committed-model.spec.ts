/**
 * Guards for the committed artefacts, using only what the repository holds: the model must be
 * exactly what the corpus trains (run `npm run retrain -w @cg/classifier` after editing
 * src/data/training.jsonl), and the training recipe that made it must meet the targets on
 * examples it never saw (folds of the committed corpus held out in turn). Measuring against an
 * external development set is `npm run -w @cg/classifier evaluate -- <file.jsonl>` or
 * `npm run bench:classify -- <file.jsonl>`, not a test: a clone has no such file.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Classifier, defaultModelJson } from './classifier';
import { DEFAULT_DEPARTMENTS, readDefaultCorpus, type LabelledExample } from './corpus';
import { evaluate } from './evaluate';
import { DEFAULT_MODEL_PATH } from './paths';
import { serializeModel, trainModel } from './train';

const HELD_OUT_FOLDS = 5;

/** Stable fold of an example (by its text), so a failure reproduces. */
function foldOf(example: LabelledExample): number {
  return createHash('sha256').update(example.text.normalize('NFC')).digest().readUInt32BE(0) % HELD_OUT_FOLDS;
}

describe('committed model', () => {
  it('equals a fresh retrain on the committed corpus', () => {
    const retrained = serializeModel(trainModel(readDefaultCorpus()));
    const committed = fs.readFileSync(DEFAULT_MODEL_PATH, 'utf8');
    // Compare a summary first so a stale model gives a readable message.
    const model = defaultModelJson();
    const fresh = JSON.parse(retrained) as typeof model;
    expect({ corpusSha256: model.corpusSha256, features: Object.keys(model.counts).length }).toEqual({
      corpusSha256: fresh.corpusSha256,
      features: Object.keys(fresh.counts).length,
    });
    expect(committed === retrained).toBe(true);
  });

  it('has the default departments and sane settings', () => {
    const model = defaultModelJson();
    expect(model.labels).toEqual([...DEFAULT_DEPARTMENTS]);
    expect(model.abstainLabel).toBe('triage');
    expect(model.temperature).toBeGreaterThan(0);
    expect(model.calibration?.accuracyAnswered).toBeGreaterThan(0.9);
  });

  it('the corpus has at least 60 examples per department and no text twice', () => {
    const corpus = readDefaultCorpus();
    for (const d of DEFAULT_DEPARTMENTS) expect(corpus.filter((e) => e.department === d).length).toBeGreaterThanOrEqual(60);
    const seen = new Map<string, string>();
    const twice = corpus.filter((e) => {
      const key = e.text.normalize('NFC').trim().toLowerCase();
      const before = seen.has(key);
      seen.set(key, e.department);
      return before;
    });
    expect(twice).toEqual([]);
  });

  it('answers what it learnt: ≥ 95 % of the corpus it was trained on, ≤ 5 % abstentions', () => {
    // A broken model file or loader (wrong label order, lost counts) fails here.
    const report = evaluate(new Classifier(defaultModelJson()), readDefaultCorpus());
    expect(report.accuracyAnswered).toBeGreaterThanOrEqual(0.95);
    expect(report.abstentionRate).toBeLessThanOrEqual(0.05);
  });

  it(`meets the targets on held-out examples (${HELD_OUT_FOLDS} folds: ≥ 90 % answered accuracy, ≤ 15 % abstentions)`, () => {
    // The committed model is this recipe applied to the whole corpus (first test), so a corpus
    // or training change that makes it worse on unseen text fails here.
    const corpus = readDefaultCorpus();
    let total = 0;
    let answered = 0;
    let wrong = 0;
    for (let fold = 0; fold < HELD_OUT_FOLDS; fold++) {
      const heldOut = corpus.filter((e) => foldOf(e) === fold);
      const training = corpus.filter((e) => foldOf(e) !== fold);
      expect(heldOut.length).toBeGreaterThan(corpus.length / (HELD_OUT_FOLDS * 2));
      const report = evaluate(new Classifier(trainModel(training, { labels: [...DEFAULT_DEPARTMENTS] })), heldOut);
      total += report.total;
      answered += report.answered;
      wrong += report.errors.length;
    }
    expect(total).toBe(corpus.length);
    expect((answered - wrong) / answered).toBeGreaterThanOrEqual(0.9);
    expect(1 - answered / total).toBeLessThanOrEqual(0.15);
  });
});
