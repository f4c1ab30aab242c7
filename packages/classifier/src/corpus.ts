/**
 * Labelled examples and the JSONL files that hold them: one
 * `{"text": "...", "department": "..."}` object per line, blank lines and
 * lines starting with `//` or `#` ignored.
 */
import * as fs from 'node:fs';
import { DEFAULT_DEPARTMENTS as CONTRACT_DEPARTMENTS, TRIAGE } from '@cg/contracts';
import { DEFAULT_CORPUS_PATH } from './paths';

export interface LabelledExample {
  text: string;
  department: string;
}

/** The departments and the abstain label are the system's (packages/contracts); the model keeps their order. */
export const DEFAULT_DEPARTMENTS: readonly string[] = CONTRACT_DEPARTMENTS;
export const ABSTAIN_LABEL = TRIAGE;

export interface JsonlProblem {
  line: number;
  message: string;
}

export interface ParsedJsonl {
  examples: LabelledExample[];
  problems: JsonlProblem[];
}

/** Parses labelled JSONL; bad lines are reported, not thrown. */
export function parseLabelledJsonl(content: string): ParsedJsonl {
  const examples: LabelledExample[] = [];
  const problems: JsonlProblem[] = [];
  const lines = content.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('//') || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({ line: i + 1, message: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    const v = value as Record<string, unknown> | null;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      problems.push({ line: i + 1, message: 'expected an object {"text", "department"}' });
    } else if (typeof v.text !== 'string') {
      problems.push({ line: i + 1, message: 'field "text" must be a string' });
    } else if (typeof v.department !== 'string' || v.department === '') {
      problems.push({ line: i + 1, message: 'field "department" must be a non-empty string' });
    } else {
      examples.push({ text: v.text, department: v.department });
    }
  });
  return { examples, problems };
}

export class CorpusError extends Error {
  readonly code = 'CLASSIFIER_CORPUS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

/** Reads a labelled JSONL file; throws CorpusError naming the first bad line. */
export function readLabelledJsonl(file: string): LabelledExample[] {
  const { examples, problems } = parseLabelledJsonl(fs.readFileSync(file, 'utf8'));
  const first = problems[0];
  if (first !== undefined) {
    throw new CorpusError(`${file}:${first.line}: ${first.message}` + (problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''));
  }
  return examples;
}

/** The corpus committed with the package (src/data/training.jsonl). */
export function readDefaultCorpus(): LabelledExample[] {
  return readLabelledJsonl(DEFAULT_CORPUS_PATH);
}
