import { PassThrough, Writable } from 'node:stream';
import { runDeadlineCommand } from './cli';
import { createDefaultCalendar } from './working-day-calendar';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

async function run(argv: string[], stdinText = '') {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const stdout = sink();
  const stderr = sink();
  const code = await runDeadlineCommand(argv, { stdin, stdout: stdout.stream, stderr: stderr.stream }, createDefaultCalendar());
  return { code, out: stdout.text(), err: stderr.text() };
}

describe('deadline CLI', () => {
  it('prints both deadlines and the skipped days', async () => {
    const { code, out, err } = await run(['deadline', '--received', '2026-02-13T20:00:00Z']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('2026-02-14 03:00 +07:00');
    expect(out).toMatch(/Target:\s+2026-02-27 24:00 \+07:00 = 2026-02-27T17:00:00.000Z/);
    expect(out).toMatch(/Cap:\s+2026-03-20 24:00 \+07:00/);
    expect(out).toMatch(/Tue 2026-02-17 .*Official day off: .*9441\/TB-BNV/);
  });

  it('--json prints one JSON object', async () => {
    const { code, out } = await run(['--received=2026-04-27T09:00:00+07:00', '--json']);
    expect(code).toBe(0);
    const obj = JSON.parse(out);
    // Target: 28(1) 29(2) | 30/4–3/5 | 4(3) 5(4) 6(5). Cap: 7 8 (7), 11–15 (12), 18–22 (17), 25 26 27 (20).
    expect(obj).toMatchObject({
      receivedAt: '2026-04-27T02:00:00.000Z',
      targetDueDate: '2026-05-06',
      targetDueAt: '2026-05-06T17:00:00.000Z',
      capDueDate: '2026-05-27',
    });
    expect(obj.skipped[0]).toMatchObject({ date: '2026-04-30', kind: 'official_day_off' });
    expect(out.trim().split('\n')).toHaveLength(1);
  });

  it('policy options', async () => {
    const { out } = await run([
      '--received',
      '2026-02-13T10:00:00+07:00',
      '--json',
      '--cap',
      '20',
      '--cap-unit',
      'calendar_days',
      '--target-days',
      '3',
    ]);
    // 3 working days after 13/2: 23, 24, 25/2. Cap 13/2 + 20 calendar days = 5/3.
    expect(JSON.parse(out)).toMatchObject({ targetDueDate: '2026-02-25', capDueDate: '2026-03-05' });
  });

  it('--jsonl answers every line, with an error line for bad input, and keeps going', async () => {
    const input = [
      '{"receivedAt":"2026-02-13T10:00:00+07:00"}',
      'not json',
      '',
      '{"receivedAt":"2026-02-30T10:00:00Z"}',
      '{"received":"2026-03-01"}',
      '{"receivedAt":"2027-02-04T10:00:00+07:00"}',
    ].join('\n');
    const { code, out } = await run(['deadline', '--jsonl'], input);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5); // the blank line is ignored
    expect(lines[0]).toMatchObject({
      receivedAt: '2026-02-13T03:00:00.000Z',
      targetDueAt: '2026-02-27T17:00:00.000Z',
      targetDueDate: '2026-02-27',
      capDueAt: '2026-03-20T17:00:00.000Z',
      capDueDate: '2026-03-20',
    });
    expect(lines[0].skipped).toHaveLength(15); // 14–22/2 and 6 weekend days up to the cap
    expect(lines[1]).toEqual({ line: 2, error: expect.stringContaining('invalid JSON') });
    expect(lines[2]).toMatchObject({ line: 4, receivedAt: '2026-02-30T10:00:00Z', error: expect.stringContaining('INVALID_INSTANT') });
    expect(lines[3]).toEqual({ line: 5, error: 'missing field receivedAt' });
    expect(lines[4]).toMatchObject({ targetDueDate: '2027-02-18', provisional: true });
    expect(code).toBe(1); // some lines failed
  });

  it('--jsonl exits 0 when every line is fine', async () => {
    const { code, out } = await run(['--jsonl'], '{"receivedAt":"2026-03-05T16:30:00Z"}\r\n');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ targetDueDate: '2026-03-12' });
  });

  it('usage errors exit 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--received'])).code).toBe(2);
    expect((await run(['--received', 'x', '--jsonl'])).code).toBe(2);
    expect((await run(['--bogus'])).err).toContain('unknown argument');
    expect((await run(['--received', '2026-02-13T25:00Z'])).code).toBe(2);
    expect((await run(['--jsonl', '--cap', '2'])).err).toContain('INVALID_POLICY');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage:');
  });
});
