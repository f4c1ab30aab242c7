import { Classifier } from './classifier';
import { readDefaultCorpus, type LabelledExample } from './corpus';
import { assertModelJson } from './model';
import { fitTemperature, serializeModel, trainModel } from './train';

const tiny: LabelledExample[] = [
  { text: 'tên miền hết hạn', department: 'domain' },
  { text: 'đổi nameserver tên miền', department: 'domain' },
  { text: 'domain transfer bị treo', department: 'domain' },
  { text: 'hoá đơn sai mã số thuế', department: 'billing' },
  { text: 'xin hoàn tiền đơn hàng', department: 'billing' },
  { text: 'bị trừ tiền hai lần', department: 'billing' },
];

describe('trainModel', () => {
  it('counts features per class (multinomial NB with Laplace smoothing)', () => {
    const model = trainModel(tiny, { calibrationFolds: 0, minFeatureCount: 1, alpha: 1 });
    assertModelJson(model);
    expect(model.labels).toEqual(['domain', 'billing']);
    expect(model.classDocCounts).toEqual([3, 3]);
    expect(model.counts['w:ten']).toEqual([2, 0]);
    expect(model.counts['b:ten_mien']).toEqual([2, 0]);
    expect(model.counts['w:tien']).toEqual([0, 2]);
    expect(model.temperature).toBe(1);
    expect(model.calibration).toBeNull();

    // P(w:ten | domain) = (2 + 1) / (word total of domain + alpha × word vocabulary)
    const classifier = new Classifier(model, { rules: {} });
    const domainWords = model.familyTotals.word[0] as number;
    const v = model.familyVocabulary.word;
    const expected = Math.log(3 / (domainWords + v)) - Math.log(1 / ((model.familyTotals.word[1] as number) + v));
    const raw = classifier.scoreTokens(['ten']);
    const withOnlyWord = new Classifier(
      { ...model, featureOptions: { ...model.featureOptions, familyWeights: { word: 1, bigram: 0, char: 0 } } },
      { rules: {} },
    );
    const s = withOnlyWord.scoreTokens(['ten']).logScores;
    expect((s[0] as number) - (s[1] as number)).toBeCloseTo(expected, 10); // equal priors cancel
    expect(raw.knownWordFeatures).toBe(1);
  });

  it('classifies held-out texts of a tiny corpus', () => {
    const classifier = new Classifier(trainModel(tiny, { calibrationFolds: 0, minFeatureCount: 1 }), { rules: {} });
    expect(classifier.classify('ten mien cua toi het han').predicted).toBe('domain');
    expect(classifier.classify('hoan tien giup toi').predicted).toBe('billing');
  });

  it('accepts any label list as data and skips triage examples', () => {
    const model = trainModel(
      [
        { text: 'printer jammed', department: 'it' },
        { text: 'printer out of toner', department: 'it' },
        { text: 'salary slip missing', department: 'hr' },
        { text: 'leave request pending', department: 'hr' },
        { text: 'no idea', department: 'triage' },
      ],
      { calibrationFolds: 0, minFeatureCount: 1 },
    );
    expect(model.labels).toEqual(['hr', 'it']);
    expect(model.classDocCounts).toEqual([2, 2]);
    expect(trainModel(tiny, { labels: ['billing', 'domain', 'sales'], calibrationFolds: 0 }).labels).toEqual([
      'billing',
      'domain',
      'sales',
    ]);
  });

  it('rejects unknown departments and empty input', () => {
    expect(() => trainModel(tiny, { labels: ['domain', 'email'] })).toThrow(/unknown department "billing"/);
    expect(() => trainModel([])).toThrow();
  });

  it('is deterministic', () => {
    expect(serializeModel(trainModel(tiny))).toBe(serializeModel(trainModel(tiny)));
  });

  it('fits a temperature that minimises log-loss', () => {
    // Scores far too confident on a coin flip: the fitted temperature must be large.
    const scores = [Float64Array.from([10, 0]), Float64Array.from([10, 0]), Float64Array.from([10, 0]), Float64Array.from([0, 10])];
    const t = fitTemperature(scores, [0, 1, 0, 1]);
    expect(t).toBeGreaterThan(5);
    expect(fitTemperature([Float64Array.from([1, 0]), Float64Array.from([0, 1])], [0, 1])).toBeLessThan(0.1);
  });

  // Training speed is a benchmark figure (BENCHMARKS.md), not a timed test.
  it('trains on a few thousand examples (corpus + corrections)', () => {
    const corpus = readDefaultCorpus();
    const corrections: LabelledExample[] = [];
    for (let i = 1; corpus.length + corrections.length < 3000; i++) {
      for (const e of corpus) corrections.push({ text: `${e.text} (ticket ${i}${e.text.length})`, department: e.department });
    }
    const examples = [...corpus, ...corrections].slice(0, 3000);
    const model = trainModel(examples);
    expect(model.classDocCounts.reduce((a, b) => a + b, 0)).toBe(3000);
  });
});
