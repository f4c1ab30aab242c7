/**
 * Command modules for the project CLI (apps/cli registers them):
 *
 *   classify "<text>" [--model file]          one JSON object on stdout
 *   classify --jsonl [--model file]           stdin: {"text": ...} per line → one JSON line per input
 *   classify:evaluate <file.jsonl> [--json] [--errors] [--model file]   (also: confidence reliability before / after calibration)
 *   classify:train [--corpus file] [--extra file.jsonl]... [--out model.json]
 *
 * `argv` is the list of arguments after the command name. Each function
 * returns the process exit code (0 ok, 1 failure, 2 usage error) instead of
 * exiting, so it can be tested with in-memory streams.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { type Classifier, getDefaultClassifier, loadModelFile } from './classifier';
import { readLabelledJsonl, type LabelledExample } from './corpus';
import { evaluate, formatEvaluation } from './evaluate';
import { DEFAULT_CORPUS_PATH, DEFAULT_MODEL_PATH } from './paths';
import { compareOn, formatReliability, outOfFoldRows } from './reliability-report';
import { serializeModel, trainModel } from './train';

export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

class UsageError extends Error {}

/** Minimal parser: `--flag`, `--name value`, `--name=value`, `--` ends options. */
function parseArgs(argv: readonly string[], valued: readonly string[], boolean: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      parsed.positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      parsed.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (boolean.includes(name)) {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      parsed.flags.add(name);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`option --${name} needs a value`);
      parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return parsed;
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

function classifierFor(args: ParsedArgs): Classifier {
  const file = args.values.get('model')?.at(-1);
  return file === undefined ? getDefaultClassifier() : loadModelFile(file);
}

async function guarded(io: CommandIo, usage: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError) {
      await write(io.stderr, `error: ${error.message}\nusage: ${usage}\n`);
      return 2;
    }
    const e = error as Error & { code?: string };
    await write(io.stderr, `error: ${e.code ? `[${e.code}] ` : ''}${e.message}\n`);
    return 1;
  }
}

const CLASSIFY_USAGE = 'classify "<text>" [--model model.json] | classify --jsonl [--model model.json] < input.jsonl';

/** `classify "<text>"` or `classify --jsonl`. */
export async function runClassifyCommand(argv: string[], io: CommandIo): Promise<number> {
  return guarded(io, CLASSIFY_USAGE, async () => {
    const args = parseArgs(argv, ['model'], ['jsonl', 'help']);
    if (args.flags.has('help')) {
      await write(io.stdout, `usage: ${CLASSIFY_USAGE}\n`);
      return 0;
    }
    if (args.flags.has('jsonl')) {
      if (args.positional.length > 0) throw new UsageError('--jsonl reads texts from stdin, not from arguments');
      return classifyJsonl(classifierFor(args), io);
    }
    if (args.positional.length === 0) throw new UsageError('missing text to classify');
    const classifier = classifierFor(args);
    const result = classifier.classify(args.positional.join(' '));
    await write(io.stdout, JSON.stringify(result, null, 2) + '\n');
    return 0;
  });
}

async function classifyJsonl(classifier: Classifier, io: CommandIo): Promise<number> {
  const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  let failures = 0;
  for await (const raw of lines) {
    lineNumber++;
    const line = raw.trim();
    if (line === '') continue;
    let output: unknown;
    try {
      const value: unknown = JSON.parse(line);
      const text = (value as { text?: unknown } | null)?.text;
      if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof text !== 'string') {
        throw new Error('expected an object with a string field "text"');
      }
      const result = classifier.classify(text);
      const id = (value as { id?: unknown }).id;
      output = id === undefined ? result : { id, ...result };
    } catch (error) {
      failures++;
      output = { error: (error as Error).message, line: lineNumber };
    }
    await write(io.stdout, JSON.stringify(output) + '\n');
  }
  if (failures > 0) await write(io.stderr, `${failures} line(s) could not be classified\n`);
  return 0;
}

const EVALUATE_USAGE = 'classify:evaluate <file.jsonl> [--json] [--errors] [--model model.json]';

/**
 * `classify:evaluate <file.jsonl>`: accuracy, abstention rate, confusion matrix, and the
 * reliability of the confidence (ECE, error rate at ≥ 0.9) before and after calibration.
 */
export async function runEvaluateCommand(argv: string[], io: CommandIo): Promise<number> {
  return guarded(io, EVALUATE_USAGE, async () => {
    const args = parseArgs(argv, ['model'], ['json', 'errors', 'help']);
    if (args.flags.has('help')) {
      await write(io.stdout, `usage: ${EVALUATE_USAGE}\n`);
      return 0;
    }
    if (args.positional.length !== 1) throw new UsageError('expected exactly one labelled JSONL file');
    const labelled = readLabelledJsonl(args.positional[0] as string);
    const classifier = classifierFor(args);
    const report = evaluate(classifier, labelled);
    const reliability = compareOn(classifier.model, labelled);
    if (args.flags.has('json')) {
      const { errors: _errors, ...rest } = report;
      await write(io.stdout, JSON.stringify({ ...(args.flags.has('errors') ? report : rest), reliability }, null, 2) + '\n');
    } else {
      await write(io.stdout, formatEvaluation(report, { abstainLabel: classifier.abstainLabel, showErrors: args.flags.has('errors') }));
      await write(io.stdout, '\nconfidence reliability (before / after calibration)\n' + formatReliability(reliability));
    }
    return 0;
  });
}

const TRAIN_USAGE = 'classify:train [--corpus training.jsonl] [--extra corrections.jsonl]... [--out model.json]';

/**
 * `classify:train`: retrains from the corpus (default: the package's
 * src/data/training.jsonl) plus any `--extra` files (e.g. exported staff
 * corrections) and writes the model (default: the package's src/model/model.json).
 */
export async function runTrainCommand(argv: string[], io: CommandIo): Promise<number> {
  return guarded(io, TRAIN_USAGE, async () => {
    const args = parseArgs(argv, ['corpus', 'extra', 'out'], ['help']);
    if (args.flags.has('help')) {
      await write(io.stdout, `usage: ${TRAIN_USAGE}\n`);
      return 0;
    }
    if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]}`);
    const corpusFile = args.values.get('corpus')?.at(-1) ?? DEFAULT_CORPUS_PATH;
    const out = args.values.get('out')?.at(-1) ?? DEFAULT_MODEL_PATH;
    const examples: LabelledExample[] = readLabelledJsonl(corpusFile);
    const extras = args.values.get('extra') ?? [];
    for (const file of extras) examples.push(...readLabelledJsonl(file));
    const started = process.hrtime.bigint();
    const model = trainModel(examples);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    fs.writeFileSync(out, serializeModel(model));
    const c = model.calibration;
    await write(
      io.stdout,
      `trained on ${examples.length} examples (${extras.length} extra file(s)) in ${ms.toFixed(0)} ms\n` +
        `features: ${Object.keys(model.counts).length}, temperature: ${model.temperature}, ` +
        `calibration: ${model.confidenceCalibration?.method ?? 'none'}, answer at confidence ≥ ${model.thresholds.minConfidence}\n` +
        (c
          ? `cross-validated (${c.folds} folds): accuracy answered ${(c.accuracyAnswered * 100).toFixed(1)} %, ` +
            `abstention ${(c.abstentionRate * 100).toFixed(1)} %, rules precision ${(c.rulePrecision * 100).toFixed(1)} %\n` +
            (c.reliability ? `reliability on held-out folds:\n${formatReliability(outOfFoldRows(model))}` : '')
          : '') +
        `wrote ${out}\n`,
    );
    return 0;
  });
}
