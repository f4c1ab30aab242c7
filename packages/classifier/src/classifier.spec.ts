import { Classifier, classify, decide, getDefaultClassifier, loadModel } from './classifier';
import { ModelFormatError } from './model';
import { trainModel } from './train';

describe('classify (committed model)', () => {
  it('returns a complete, well-formed result', () => {
    const r = classify('Không gửi được email từ hộp thư công ty, báo lỗi SMTP');
    expect(r.department).toBe('email');
    expect(r.abstained).toBe(false);
    expect(r.reason).toBeUndefined();
    expect(r.confidence).toBeGreaterThan(0.5);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.runnerUp.department).not.toBe('email');
    expect(r.runnerUp.confidence).toBeLessThan(r.confidence);
    expect(r.evidence.rules).toContain('email:smtp');
    expect(r.urgency).toEqual({ flags: [], priority: 'normal' });
  });

  it('lets an unambiguous rule decide and reports it', () => {
    const r = classify('Cần hoàn tiền gấp');
    expect(r.department).toBe('billing');
    expect(r.decidedBy).toBe('rules');
    expect(r.evidence.rules).toEqual(['billing:hoan tien']);
    expect(r.confidence).toBeGreaterThanOrEqual(getDefaultClassifier().thresholds.ruleConfidence);
  });

  it('uses the model with feature evidence when no rule decides', () => {
    const r = classify('vps cua toi khong khoi dong duoc tu sang');
    expect(r.department).toBe('hosting');
    expect(r.decidedBy).toBe('model');
    expect(r.evidence.features.length).toBeGreaterThan(0);
    expect(r.evidence.features.length).toBeLessThanOrEqual(5);
    for (const f of r.evidence.features) {
      expect(f.department).toBe('hosting');
      expect(f.weight).toBeGreaterThan(0);
    }
    expect(r.evidence.features.map((f) => f.feature)).toContain('w:vps');
  });

  it('gives the same answer with and without diacritics', () => {
    const a = classify('Tên miền của tôi bị khoá, không chuyển đi được');
    const b = classify('ten mien cua toi bi khoa, khong chuyen di duoc');
    expect(b).toEqual(a);
  });

  it('abstains on empty text', () => {
    for (const text of ['', '   ', '?!...']) {
      const r = classify(text);
      expect(r.abstained).toBe(true);
      expect(r.department).toBe('triage');
      expect(r.reason).toBe('empty');
    }
  });

  it('abstains on gibberish and on content-free text', () => {
    for (const text of ['asdkjh qwpoeiru zxmcnv', 'xyzzy 12345 qqqq', 'xin chào', 'hello there', '!!! ??? ...a']) {
      const r = classify(text);
      expect(r.abstained).toBe(true);
      expect(r.department).toBe('triage');
      expect(['low_confidence', 'too_close', 'empty']).toContain(r.reason);
    }
  });

  it('never throws on odd input', () => {
    expect(classify(undefined as unknown as string).reason).toBe('empty');
    expect(classify('a'.repeat(20000)).department).toBeDefined();
    expect(classify('🙂🙂 Đ đ ĐĐ').abstained).toBe(true);
  });

  it('exposes probabilities that sum to one', () => {
    const p = getDefaultClassifier().probabilities('hoá đơn VAT bị sai');
    const sum = Object.values(p).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 10);
    expect(Object.keys(p)).toEqual(['domain', 'hosting', 'email', 'billing', 'technical', 'sales', 'customer_care']);
  });
});

describe('decide', () => {
  const base = { labels: ['a', 'b', 'c'], temperature: 1, tokenCount: 3, knownWordFeatures: 2, ruleDepartment: undefined };
  const thresholds = { minConfidence: 0.5, minMargin: 0.2, ruleConfidence: 0.9 };

  it('answers when confident and clear', () => {
    const d = decide({ ...base, thresholds, logScores: [3, 0, 0] });
    expect(d).toMatchObject({ top: 0, second: 1, decidedBy: 'model' });
    expect(d.reason).toBeUndefined();
  });

  it('abstains below the confidence threshold or margin', () => {
    expect(decide({ ...base, thresholds, logScores: [0, 0, 0] }).reason).toBe('low_confidence');
    expect(decide({ ...base, thresholds, logScores: [2, 1.7, -5] }).reason).toBe('too_close');
    expect(decide({ ...base, thresholds, logScores: [9, 0, 0], knownWordFeatures: 0 }).reason).toBe('low_confidence');
    expect(decide({ ...base, thresholds, logScores: [9, 0, 0], tokenCount: 0 }).reason).toBe('empty');
  });

  it('lets a rule override the model and keeps the distribution normalised', () => {
    const d = decide({ ...base, thresholds, logScores: [2, 1, 0], ruleDepartment: 'c' });
    expect(d.decidedBy).toBe('rules');
    expect(d.top).toBe(2);
    expect(d.topP).toBe(0.9);
    expect(d.second).toBe(0);
    expect(d.topP + d.secondP).toBeLessThanOrEqual(1);
  });
});

describe('loadModel', () => {
  it('round-trips a trained model through JSON text', () => {
    const model = trainModel(
      [
        { text: 'hoá đơn sai', department: 'billing' },
        { text: 'hoàn tiền', department: 'billing' },
        { text: 'tên miền hết hạn', department: 'domain' },
        { text: 'đổi dns tên miền', department: 'domain' },
      ],
      { calibrationFolds: 0, minFeatureCount: 1 },
    );
    const c = loadModel(JSON.stringify(model));
    expect(c.labels).toEqual(['domain', 'billing']);
    expect(c.classify('tên miền').predicted).toBe('domain');
  });

  it('rejects malformed models with a code and the bad field', () => {
    expect(() => loadModel({} as never)).toThrow(ModelFormatError);
    const good = trainModel(
      [
        { text: 'a b c', department: 'x' },
        { text: 'd e f', department: 'y' },
      ],
      { calibrationFolds: 0, minFeatureCount: 1 },
    );
    expect(() => loadModel({ ...good, labels: ['x'] })).toThrow(/labels/);
    expect(() => loadModel({ ...good, thresholds: { ...good.thresholds, minConfidence: 2 } })).toThrow(/minConfidence/);
    expect(() => loadModel({ ...good, counts: { 'w:a': [1] } })).toThrow(/counts\["w:a"\]/);
    try {
      loadModel({ ...good, temperature: -1 });
    } catch (error) {
      expect((error as ModelFormatError).code).toBe('CLASSIFIER_MODEL_INVALID');
    }
  });

  it('accepts threshold overrides and custom rules', () => {
    const strict = new Classifier(getDefaultClassifier().model, { thresholds: { minConfidence: 1 }, rules: {} });
    const r = strict.classify('website tren hosting rat cham');
    expect(r.abstained).toBe(true);
    const custom = new Classifier(getDefaultClassifier().model, { rules: { sales: ['giá sốc'] } });
    expect(custom.classify('chương trình giá sốc').decidedBy).toBe('rules');
  });
});
