/**
 * Guards for the committed artefacts: the model must be exactly what the
 * corpus trains (run `npm run retrain -w @cg/classifier` after editing
 * src/data/training.jsonl), and it must meet the targets on the development
 * set, which is only ever used for measurement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Classifier, defaultModelJson } from './classifier';
import { DEFAULT_DEPARTMENTS, readDefaultCorpus, readLabelledJsonl } from './corpus';
import { evaluate } from './evaluate';
import { DEFAULT_MODEL_PATH } from './paths';
import { serializeModel, trainModel } from './train';

// <repo>/packages/classifier/src → <repo>/../shared/data
const DEV_SET = path.resolve(__dirname, '../../../../shared/data/complaints-dev.jsonl');

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

  it('the corpus has at least 60 examples per department, and none from the dev set', () => {
    const corpus = readDefaultCorpus();
    for (const d of DEFAULT_DEPARTMENTS) expect(corpus.filter((e) => e.department === d).length).toBeGreaterThanOrEqual(60);
    const devTexts = new Set(readLabelledJsonl(DEV_SET).map((e) => e.text.normalize('NFC').trim().toLowerCase()));
    expect(corpus.filter((e) => devTexts.has(e.text.normalize('NFC').trim().toLowerCase()))).toEqual([]);
  });

  it('meets the targets on the development set (≥ 90 % answered accuracy, ≤ 15 % abstentions)', () => {
    expect(fs.existsSync(DEV_SET)).toBe(true);
    const report = evaluate(new Classifier(defaultModelJson()), readLabelledJsonl(DEV_SET));
    expect(report.total).toBeGreaterThan(50);
    expect(report.accuracyAnswered).toBeGreaterThanOrEqual(0.9);
    expect(report.abstentionRate).toBeLessThanOrEqual(0.15);
  });
});
