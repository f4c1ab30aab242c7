import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runClassifyCommand, runEvaluateCommand, runTrainCommand, type CommandIo } from './cli';

function memoryIo(input = ''): CommandIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return { stdin: Readable.from([input]), stdout, stderr, out: () => out, err: () => err };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'classifier-cli-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('classify "<text>"', () => {
  it('prints one JSON object', async () => {
    const io = memoryIo();
    expect(await runClassifyCommand(['Hoá đơn VAT ghi sai mã số thuế'], io)).toBe(0);
    const result = JSON.parse(io.out());
    expect(result.department).toBe('billing');
    expect(typeof result.confidence).toBe('number');
    expect(result.runnerUp.department).toBeDefined();
    expect(result.urgency.priority).toBe('normal');
  });

  it('joins several arguments into one text', async () => {
    const io = memoryIo();
    expect(await runClassifyCommand(['vps', 'khong', 'ssh', 'duoc'], io)).toBe(0);
    expect(JSON.parse(io.out()).department).toBe('hosting');
  });

  it('fails with usage on missing text or unknown option', async () => {
    let io = memoryIo();
    expect(await runClassifyCommand([], io)).toBe(2);
    expect(io.err()).toMatch(/missing text/);
    io = memoryIo();
    expect(await runClassifyCommand(['--bogus', 'x'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown option --bogus/);
  });
});

describe('classify --jsonl', () => {
  it('classifies each line and reports bad lines without stopping', async () => {
    const input = [
      JSON.stringify({ text: 'Không nhận được email, bản ghi MX sai' }),
      'not json',
      JSON.stringify({ id: 'c-7', text: 'Nhân viên tổng đài thái độ rất tệ' }),
      JSON.stringify({ body: 'no text field' }),
      '',
      JSON.stringify({ text: '' }),
    ].join('\n');
    const io = memoryIo(input);
    expect(await runClassifyCommand(['--jsonl'], io)).toBe(0);
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({ department: 'email', abstained: false });
    expect(lines[0].confidence).toBeGreaterThan(0);
    expect(lines[0].runnerUp).toBeDefined();
    expect(lines[0].urgency).toBeDefined();
    expect(lines[1]).toMatchObject({ line: 2 });
    expect(lines[1].error).toMatch(/JSON/);
    expect(lines[2]).toMatchObject({ id: 'c-7', department: 'customer_care' });
    expect(lines[3].error).toMatch(/"text"/);
    expect(lines[4]).toMatchObject({ department: 'triage', abstained: true, reason: 'empty' });
    expect(io.err()).toMatch(/2 line\(s\) could not be classified/);
  });
});

describe('classify:evaluate', () => {
  const file = () => path.join(dir, 'eval.jsonl');
  beforeAll(() => {
    fs.writeFileSync(
      file(),
      [
        { text: 'Đổi nameserver không được', department: 'domain' },
        { text: 'Xin hoàn tiền đơn hàng', department: 'billing' },
        { text: 'qwzx plmk', department: 'sales' },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n') + '\n',
    );
  });

  it('prints accuracy, abstention rate and the confusion matrix', async () => {
    const io = memoryIo();
    expect(await runEvaluateCommand([file()], io)).toBe(0);
    expect(io.out()).toContain('accuracy (answered): 100.0 %');
    expect(io.out()).toContain('abstained (triage):  1 (33.3 %)');
    expect(io.out()).toContain('confusion');
    // Reliability of the confidence, before (T = 1) and after calibration (the row in use starred).
    expect(io.out()).toMatch(/before: uncalibrated, T = 1, answer at ≥ 0\.45 +\d\.\d{4}/);
    expect(io.out()).toMatch(/\* after: +temperature, T = [\d.]+, answer at ≥ 0\.\d+ +\d\.\d{4}/);
  });

  it('prints JSON with --json', async () => {
    const io = memoryIo();
    expect(await runEvaluateCommand([file(), '--json'], io)).toBe(0);
    const report = JSON.parse(io.out());
    expect(report).toMatchObject({ total: 3, answered: 2, abstained: 1, accuracyAnswered: 1 });
    expect(report.confusion.sales).toEqual({ triage: 1 });
    expect(report.reliability).toHaveLength(2);
    expect(report.reliability[1]).toMatchObject({ inUse: true, reliability: { examples: 3, abstentionRate: 0.3333 } });
  });

  it('reports a missing file or bad line as an error', async () => {
    let io = memoryIo();
    expect(await runEvaluateCommand([path.join(dir, 'missing.jsonl')], io)).toBe(1);
    expect(io.err()).toMatch(/ENOENT/);
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, '{"text":"x"}\n');
    io = memoryIo();
    expect(await runEvaluateCommand([bad], io)).toBe(1);
    expect(io.err()).toMatch(/bad\.jsonl:1: field "department"/);
    io = memoryIo();
    expect(await runEvaluateCommand([], io)).toBe(2);
  });
});

describe('classify:train', () => {
  it('trains from a corpus plus extra corrections and writes a usable model', async () => {
    const corpus = path.join(dir, 'corpus.jsonl');
    const extra = path.join(dir, 'extra.jsonl');
    const out = path.join(dir, 'out', 'model.json');
    const lines = (rows: [string, string][]) => rows.map(([text, department]) => JSON.stringify({ text, department })).join('\n');
    fs.writeFileSync(
      corpus,
      lines([
        ['tên miền hết hạn', 'domain'],
        ['đổi dns cho tên miền', 'domain'],
        ['chuyển tên miền đi', 'domain'],
        ['hoá đơn sai', 'billing'],
        ['hoàn tiền giúp tôi', 'billing'],
        ['bị trừ tiền', 'billing'],
      ]),
    );
    fs.writeFileSync(
      extra,
      lines([
        ['gia hạn tên miền chưa xong', 'domain'],
        ['thanh toán bị trừ tiền', 'billing'],
      ]),
    );
    const io = memoryIo();
    expect(await runTrainCommand(['--corpus', corpus, '--extra', extra, '--out', out], io)).toBe(0);
    expect(io.out()).toMatch(/trained on 8 examples \(1 extra file\(s\)\)/);
    const model = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(model.labels).toEqual(['domain', 'billing']);
    expect(model.classDocCounts).toEqual([4, 4]);

    const classified = memoryIo();
    expect(await runClassifyCommand(['--model', out, 'hoàn tiền'], classified)).toBe(0);
    expect(JSON.parse(classified.out()).predicted).toBe('billing');
  });

  it('rejects a corpus with an unknown field layout', async () => {
    const bad = path.join(dir, 'bad-corpus.jsonl');
    fs.writeFileSync(bad, '{"text": "a"}\n');
    const io = memoryIo();
    expect(await runTrainCommand(['--corpus', bad, '--out', path.join(dir, 'x.json')], io)).toBe(1);
    expect(io.err()).toMatch(/CLASSIFIER_CORPUS_INVALID/);
  });
});
