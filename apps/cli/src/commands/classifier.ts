import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClassifyCommand, runEvaluateCommand, runTrainCommand, type CommandIo } from '@cg/classifier';
import { autoIndexEnabled, commonEnvSchema, parseEnv } from '@cg/config';
import { openDatabase } from '@cg/db';

const io: CommandIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/**
 * `classify` and `classify:evaluate` use the committed model unless `--model latest` asks for
 * the newest retrained model in MongoDB (what the workers use), or `--model <file>` names one.
 */
async function withModelArg(argv: string[], run: (argv: string[]) => Promise<number>): Promise<number> {
  const i = argv.indexOf('--model');
  if (i < 0 || argv[i + 1] !== 'latest') return run(argv);
  const env = parseEnv(commonEnvSchema, process.env);
  const db = await openDatabase(env.MONGODB_URI, { autoIndex: false });
  let dir: string | undefined;
  try {
    const latest = await db.classifierModels.latest();
    if (!latest) {
      process.stderr.write('note: no retrained model stored; using the committed model\n');
      return run([...argv.slice(0, i), ...argv.slice(i + 2)]);
    }
    dir = await mkdtemp(join(tmpdir(), 'cg-model-'));
    const file = join(dir, `model-v${latest.version}.json`);
    await writeFile(file, latest.modelJson);
    return await run([...argv.slice(0, i + 1), file, ...argv.slice(i + 2)]);
  } finally {
    await db.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export const classifyCommand = (argv: string[]) => withModelArg(argv, (a) => runClassifyCommand(a, io));
export const evaluateCommand = (argv: string[]) => withModelArg(argv, (a) => runEvaluateCommand(a, io));
export const trainCommand = (argv: string[]) => runTrainCommand(argv, io);

/** `classify:retrain [--force]`: corpus + staff corrections → a new model version in MongoDB. */
export async function retrainCommand(argv: string[]): Promise<number> {
  const env = parseEnv(commonEnvSchema, process.env);
  const db = await openDatabase(env.MONGODB_URI, { autoIndex: autoIndexEnabled(env) });
  try {
    const { retrainFromCorrections } = await import('@cg/core');
    const result = await retrainFromCorrections(db, process.env.USER ?? 'cli', { force: argv.includes('--force') });
    process.stdout.write(
      `${JSON.stringify(result ? { retrained: true, ...result } : { retrained: false, reason: 'no new corrections since the newest model (use --force)' })}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
