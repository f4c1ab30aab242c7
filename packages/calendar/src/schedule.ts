/**
 * Official yearly holiday schedules ("lịch nghỉ lễ, Tết" published by the
 * government every year, with swapped days). The company owns this data: an
 * admin loads a schedule per year, and a year WITH a schedule is decided by it
 * alone; a year without one falls back to the computed statutory holidays
 * (marked provisional).
 *
 * Semantics of a schedule for year Y:
 *   - a date in `daysOff` is not a working day (weekend dates may be listed to
 *     name a whole break, e.g. "Tết 14/2–22/2");
 *   - a date in `workingDays` is a working day even though it is a Saturday or
 *     Sunday (a make-up working day, "ngày làm bù");
 *   - any other date is a working day iff it is Monday–Friday.
 *
 * The validator is hand-written (no zod in this package).
 */
import { isIsoDate, weekdayOfIso } from './dates';
import { ScheduleValidationError, type ScheduleIssue } from './errors';
import { MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from './holidays';
import schedule2025 from './schedules/2025.json';
import schedule2026 from './schedules/2026.json';

export interface ScheduleDay {
  /** 'YYYY-MM-DD', inside the schedule's year. */
  date: string;
  /** Why (Vietnamese and/or English), shown in deadline explanations. */
  reason: string;
}

export interface OfficialSchedule {
  year: number;
  /** Positive integer; bump it when the company reloads a corrected schedule. */
  version: number;
  /** The document it comes from, e.g. "Thông báo 6150/TB-LĐTBXH". */
  source: string;
  /** 'YYYY-MM-DD' or an ISO date-time. */
  publishedAt?: string;
  /** Free text (caveats, what was verified). */
  note?: string;
  daysOff: ScheduleDay[];
  /** Make-up working Saturdays/Sundays. */
  workingDays: ScheduleDay[];
}

export type ScheduleParseResult = { ok: true; value: OfficialSchedule } | { ok: false; issues: ScheduleIssue[] };

const TOP_KEYS = new Set(['year', 'version', 'source', 'publishedAt', 'note', 'daysOff', 'workingDays']);
const DAY_KEYS = new Set(['date', 'reason']);
const PUBLISHED_AT_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_TEXT = 2000;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyText(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT;
}

/**
 * Validates an official schedule document (an object, or a JSON string) and
 * returns a normalized copy (reasons/source trimmed, days sorted by date), or
 * every problem found. Never throws.
 */
export function safeParseOfficialSchedule(input: unknown): ScheduleParseResult {
  const issues: ScheduleIssue[] = [];
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(e as Error).message}` }] };
    }
  }
  if (!isPlainObject(doc)) return { ok: false, issues: [{ path: '', message: 'expected an object' }] };

  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.has(key)) issues.push({ path: key, message: 'unknown field' });
  }
  const { year, version, source, publishedAt, note } = doc;
  const yearOk = typeof year === 'number' && Number.isInteger(year) && year >= MIN_SUPPORTED_YEAR && year <= MAX_SUPPORTED_YEAR;
  if (!yearOk) issues.push({ path: 'year', message: `must be an integer year ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}` });
  if (!(typeof version === 'number' && Number.isInteger(version) && version >= 1)) {
    issues.push({ path: 'version', message: 'must be a positive integer' });
  }
  if (!nonEmptyText(source))
    issues.push({ path: 'source', message: `must be a non-empty string (at most ${MAX_TEXT} characters) naming the document` });
  if (publishedAt !== undefined) {
    const ok = typeof publishedAt === 'string' && PUBLISHED_AT_RE.test(publishedAt) && isIsoDate(publishedAt.slice(0, 10));
    if (!ok) issues.push({ path: 'publishedAt', message: 'must be YYYY-MM-DD or an ISO 8601 date-time' });
  }
  if (note !== undefined && !(typeof note === 'string' && note.length <= MAX_TEXT * 4)) {
    issues.push({ path: 'note', message: 'must be a string' });
  }

  const seen = new Map<string, string>(); // date → path of first occurrence
  const readDays = (field: 'daysOff' | 'workingDays'): ScheduleDay[] => {
    const raw = doc[field];
    const out: ScheduleDay[] = [];
    if (!Array.isArray(raw)) {
      issues.push({ path: field, message: 'must be an array (may be empty)' });
      return out;
    }
    raw.forEach((entry: unknown, i: number) => {
      const path = `${field}[${i}]`;
      if (!isPlainObject(entry)) {
        issues.push({ path, message: 'expected an object {date, reason}' });
        return;
      }
      for (const key of Object.keys(entry)) {
        if (!DAY_KEYS.has(key)) issues.push({ path: `${path}.${key}`, message: 'unknown field' });
      }
      const { date, reason } = entry;
      let dateOk = isIsoDate(date);
      if (!dateOk) {
        issues.push({ path: `${path}.date`, message: 'must be a real date YYYY-MM-DD' });
      } else if (yearOk && Number((date as string).slice(0, 4)) !== year) {
        issues.push({ path: `${path}.date`, message: `must be in the schedule's year ${String(year)}` });
        dateOk = false;
      } else if (seen.has(date as string)) {
        issues.push({ path: `${path}.date`, message: `${String(date)} is listed twice (first at ${seen.get(date as string)})` });
        dateOk = false;
      } else {
        seen.set(date as string, path);
        if (field === 'workingDays') {
          const wd = weekdayOfIso(date as string);
          if (wd !== 0 && wd !== 6) {
            issues.push({
              path: `${path}.date`,
              message: `${String(date)} is a weekday; make-up working days must be a Saturday or Sunday`,
            });
            dateOk = false;
          }
        }
      }
      if (!nonEmptyText(reason)) issues.push({ path: `${path}.reason`, message: 'must be a non-empty string' });
      if (dateOk && nonEmptyText(reason)) out.push({ date: date as string, reason: reason.trim() });
    });
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  };
  const daysOff = readDays('daysOff');
  const workingDays = readDays('workingDays');

  if (issues.length > 0) return { ok: false, issues };
  const value: OfficialSchedule = {
    year: year as number,
    version: version as number,
    source: (source as string).trim(),
    daysOff,
    workingDays,
  };
  if (publishedAt !== undefined) value.publishedAt = publishedAt as string;
  if (note !== undefined) value.note = note as string;
  return { ok: true, value };
}

/** Like safeParseOfficialSchedule, but throws ScheduleValidationError (code INVALID_SCHEDULE, `issues`). */
export function parseOfficialSchedule(input: unknown): OfficialSchedule {
  const result = safeParseOfficialSchedule(input);
  if (!result.ok) throw new ScheduleValidationError(result.issues);
  return result.value;
}

/** The official schedules shipped with the package (2025, 2026), validated at load time. */
export const OFFICIAL_SCHEDULES: readonly OfficialSchedule[] = Object.freeze([
  parseOfficialSchedule(schedule2025),
  parseOfficialSchedule(schedule2026),
]);
