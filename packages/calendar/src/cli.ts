/**
 * `deadline` CLI command (registered by apps/cli):
 *
 *   deadline --received <ISO date-time> [--json]   both deadlines + skipped days
 *   deadline --jsonl                               one {"receivedAt": "..."} per stdin line → one JSON line each
 *   options: --target-days <n>  --cap <n>  --cap-unit working_days|calendar_days  --help
 *
 * Exit codes: 0 ok; 1 a computation failed (with --jsonl: at least one line
 * failed — every line is still answered); 2 usage error.
 * A date-time without an offset is read as Asia/Ho_Chi_Minh local time.
 */
import { createInterface } from 'node:readline';
import { CalendarError } from './errors';
import {
  computeDeadlines,
  DEFAULT_DEADLINE_POLICY,
  formatDeadlineExplanation,
  resolvePolicy,
  type DeadlinePolicy,
  type DeadlineResult,
} from './deadlines';
import { parseInstant } from './dates';
import { createDefaultCalendar, type WorkingDayCalendar } from './working-day-calendar';

export interface DeadlineCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const DEADLINE_USAGE = `Usage:
  deadline --received <ISO date-time> [--json]
  deadline --jsonl < lines of {"receivedAt": "<ISO date-time>"}
Options:
  --target-days <n>    working days for the target (default ${DEFAULT_DEADLINE_POLICY.targetWorkingDays})
  --cap <n>            cap length (default ${DEFAULT_DEADLINE_POLICY.capLength})
  --cap-unit <unit>    working_days (default) or calendar_days
  --json               print one JSON object instead of text
  --help               show this help
A date-time without an offset (e.g. 2026-02-13T20:00) is Asia/Ho_Chi_Minh time.
`;

export interface DeadlineJsonRecord {
  receivedAt: string;
  receivedDate: string;
  targetDueAt: string;
  targetDueDate: string;
  capDueAt: string;
  capDueDate: string;
  skipped: Array<{ date: string; kind: string; reason: string; provisional: boolean; source?: string }>;
  makeupWorkingDays: Array<{ date: string; reason: string; source?: string }>;
  provisional: boolean;
}

/** The flat JSON form of a deadline result used by `--json` and `--jsonl`. */
export function deadlineToJson(result: DeadlineResult): DeadlineJsonRecord {
  return {
    receivedAt: result.receivedAt.toISOString(),
    receivedDate: result.receivedDate,
    targetDueAt: result.target.dueAt.toISOString(),
    targetDueDate: result.target.dueDate,
    capDueAt: result.cap.dueAt.toISOString(),
    capDueDate: result.cap.dueDate,
    skipped: result.explanation.skipped.map((s) => {
      const o: DeadlineJsonRecord['skipped'][number] = { date: s.date, kind: s.kind, reason: s.reason, provisional: s.provisional };
      if (s.source !== undefined) o.source = s.source;
      return o;
    }),
    makeupWorkingDays: result.explanation.makeupWorkingDays.map((m) => {
      const o: DeadlineJsonRecord['makeupWorkingDays'][number] = { date: m.date, reason: m.reason };
      if (m.source !== undefined) o.source = m.source;
      return o;
    }),
    provisional: result.explanation.provisional,
  };
}

interface ParsedArgs {
  received?: string;
  json: boolean;
  jsonl: boolean;
  help: boolean;
  policy: Partial<DeadlinePolicy>;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const args = argv[0] === 'deadline' ? argv.slice(1) : argv.slice();
  const out: ParsedArgs = { json: false, jsonl: false, help: false, policy: {} };
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[i + 1];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`${name} needs a value`);
      i++;
      return v;
    };
    const int = (v: string): number => {
      if (!/^\d+$/.test(v)) throw new UsageError(`${name} needs a positive integer, got ${JSON.stringify(v)}`);
      return Number(v);
    };
    const flag = (): true => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      return true;
    };
    switch (name) {
      case '--received':
        out.received = value();
        break;
      case '--json':
        out.json = flag();
        break;
      case '--jsonl':
        out.jsonl = flag();
        break;
      case '--help':
      case '-h':
        out.help = flag();
        break;
      case '--target-days':
        out.policy.targetWorkingDays = int(value());
        break;
      case '--cap':
        out.policy.capLength = int(value());
        break;
      case '--cap-unit': {
        const v = value();
        if (v !== 'working_days' && v !== 'calendar_days')
          throw new UsageError(`--cap-unit must be working_days or calendar_days, got ${JSON.stringify(v)}`);
        out.policy.capUnit = v;
        break;
      }
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(token)}`);
    }
  }
  if (out.help) return out;
  if (out.jsonl && out.received !== undefined) throw new UsageError('--received and --jsonl cannot be combined');
  if (out.jsonl && out.json) throw new UsageError('--json and --jsonl cannot be combined');
  if (!out.jsonl && out.received === undefined) throw new UsageError('give --received <ISO date-time> or --jsonl');
  return out;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

function messageOf(e: unknown): string {
  if (e instanceof CalendarError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Runs the `deadline` command. `argv` are the arguments after the command name
 * (a leading 'deadline' is ignored). Returns the exit code; never throws for bad
 * input. With --jsonl, stdout must be consumed (backpressure is respected).
 */
export async function runDeadlineCommand(argv: readonly string[], io: DeadlineCommandIo, calendar?: WorkingDayCalendar): Promise<number> {
  let args: ParsedArgs;
  let policy: DeadlinePolicy;
  try {
    args = parseArgs(argv);
    policy = resolvePolicy(args.policy);
  } catch (e) {
    await write(io.stderr, `deadline: ${messageOf(e)}\n${DEADLINE_USAGE}`);
    return 2;
  }
  if (args.help) {
    await write(io.stdout, DEADLINE_USAGE);
    return 0;
  }
  const cal = calendar ?? createDefaultCalendar();

  if (!args.jsonl) {
    try {
      const result = computeDeadlines(parseInstant(args.received!), policy, cal);
      const text = args.json ? `${JSON.stringify(deadlineToJson(result))}\n` : `${formatDeadlineExplanation(result).join('\n')}\n`;
      await write(io.stdout, text);
      return 0;
    } catch (e) {
      await write(io.stderr, `deadline: ${messageOf(e)}\n`);
      return e instanceof CalendarError && (e.code === 'INVALID_INSTANT' || e.code === 'INVALID_DATE') ? 2 : 1;
    }
  }

  let failures = 0;
  let lineNo = 0;
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const raw of rl) {
    lineNo++;
    const line = raw.trim();
    if (line === '') continue;
    let out: unknown;
    let receivedAt: unknown;
    try {
      let doc: unknown;
      try {
        doc = JSON.parse(line);
      } catch (e) {
        throw new Error(`invalid JSON: ${(e as Error).message}`, { cause: e });
      }
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('expected a JSON object {"receivedAt": "..."}');
      receivedAt = (doc as Record<string, unknown>).receivedAt;
      if (receivedAt === undefined) throw new Error('missing field receivedAt');
      if (typeof receivedAt !== 'string') throw new Error('receivedAt must be an ISO 8601 date-time string');
      out = deadlineToJson(computeDeadlines(parseInstant(receivedAt), policy, cal));
    } catch (e) {
      failures++;
      const err: Record<string, unknown> = { line: lineNo };
      if (typeof receivedAt === 'string') err.receivedAt = receivedAt;
      err.error = messageOf(e);
      out = err;
    }
    const pending = write(io.stdout, `${JSON.stringify(out)}\n`);
    if (pending) await pending;
  }
  return failures > 0 ? 1 : 0;
}
