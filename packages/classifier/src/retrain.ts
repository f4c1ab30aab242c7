/**
 * Retrains the committed model from the committed corpus:
 *
 *   npm run retrain -w @cg/classifier             (from the repo root, TypeScript via esbuild-register)
 *   node packages/classifier/dist/retrain.js      (after `tsc -b`)
 *
 * Accepts the same options as `classify:train` (--corpus, --extra, --out).
 * A unit test fails when src/model/model.json differs from a fresh retrain.
 */
import { runTrainCommand } from './cli';

if (require.main === module) {
  void runTrainCommand(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then((code) => {
    process.exitCode = code;
  });
}
