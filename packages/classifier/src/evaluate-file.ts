/**
 * Measures the committed model on a labelled JSONL file that is not part of the corpus, such as
 * a development set kept outside the repository:
 *
 *   npm run -w @cg/classifier evaluate -- <file.jsonl> [--json] [--errors] [--model m.json]
 *   node packages/classifier/dist/evaluate-file.js <file.jsonl>     (after `tsc -b`)
 *
 * Relative paths are taken from where npm was run. It also says how many of the file's texts
 * are in the training corpus: a measurement set must share none with it. The unit tests use
 * only held-out folds of the committed corpus.
 */
import * as fs from 'node:fs';
import { runEvaluateCommand } from './cli';
import { readDefaultCorpus, readLabelledJsonl } from './corpus';

const key = (text: string): string => text.normalize('NFC').trim().toLowerCase();

async function main(argv: string[]): Promise<number> {
  // `npm run -w` runs in the package folder; INIT_CWD is where the user typed the command.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  const code = await runEvaluateCommand(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  const file = argv.find((a) => a.endsWith('.jsonl') && fs.existsSync(a));
  if (code === 0 && file !== undefined && !argv.includes('--json')) {
    const corpus = new Set(readDefaultCorpus().map((e) => key(e.text)));
    const shared = readLabelledJsonl(file).filter((e) => corpus.has(key(e.text))).length;
    process.stdout.write(`texts also in the training corpus: ${shared}${shared > 0 ? ' (the measurement is optimistic)' : ''}\n`);
  }
  return code;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
