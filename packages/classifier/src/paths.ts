/**
 * Where the package's data lives. Every module sits directly in src/ (run by
 * jest through swc) or dist/ (compiled), so the package root is one level up
 * in both cases, and the data is always read from src/ (tsc does not copy
 * .jsonl files, and reading the model with fs keeps a multi-megabyte JSON out
 * of the type checker).
 */
import * as path from 'node:path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..');
export const DEFAULT_MODEL_PATH = path.join(PACKAGE_ROOT, 'src', 'model', 'model.json');
export const DEFAULT_CORPUS_PATH = path.join(PACKAGE_ROOT, 'src', 'data', 'training.jsonl');
