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
 * Each entry may name the document it comes from (`source`: document number,
 * issuing body, date, the pages where it was read). The shipped schedules give
 * one for every entry; documents loaded by an admin may omit it (the
 * schedule-level `source` then speaks for the entry).
 *
 * The validator is hand-written (no zod in this package).
 */
import { isIsoDate, weekdayOfIso } from './dates';
import { ScheduleValidationError, type ScheduleIssue } from './errors';
import { MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR } from './holidays';
import schedule2025 from './schedules/2025.json';
import schedule2026 from './schedules/2026.json';

/** A public page where a source document (or its text, or a report of it) was read. */
export interface SourcePage {
  title: string;
  /** http(s) address. */
  url: string;
}

/** Where one schedule entry comes from. */
export interface ScheduleSource {
  /** Kind and number of the document, e.g. "Thông báo 9441/TB-BNV", or the statute, e.g. "Bộ luật Lao động 45/2019/QH14, Điều 112". */
  document: string;
  /** Issuing body, e.g. "Bộ Nội vụ". */
  issuer: string;
  /** Date of the document, 'YYYY-MM-DD'. */
  date?: string;
  /** The document it implements, e.g. the Government Office letter conveying the Prime Minister's approval. */
  basis?: string;
  /** Pages where it was read (the signed document itself is usually not public). */
  pages?: SourcePage[];
  /** Caveats: what was not found or not checked. */
  note?: string;
}

export interface ScheduleDay {
  /** 'YYYY-MM-DD', inside the schedule's year. */
  date: string;
  /** Why (Vietnamese and/or English), shown in deadline explanations. */
  reason: string;
  /** Where this entry comes from (optional for loaded schedules; every shipped entry has one). */
  source?: ScheduleSource;
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
const DAY_KEYS = new Set(['date', 'reason', 'source']);
const SOURCE_KEYS = new Set(['document', 'issuer', 'date', 'basis', 'pages', 'note']);
const PAGE_KEYS = new Set(['title', 'url']);
const URL_RE = /^https?:\/\/\S+$/;
const MAX_PAGES = 20;
const PUBLISHED_AT_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const MAX_TEXT = 2000;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyText(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_TEXT;
}

/** Validates an entry's `source`; pushes issues under `path` and returns the normalized copy, or undefined. */
function readSource(raw: unknown, path: string, issues: ScheduleIssue[]): ScheduleSource | undefined {
  if (!isPlainObject(raw)) {
    issues.push({ path, message: 'expected an object {document, issuer, date?, basis?, pages?, note?}' });
    return undefined;
  }
  const before = issues.length;
  for (const key of Object.keys(raw)) {
    if (!SOURCE_KEYS.has(key)) issues.push({ path: `${path}.${key}`, message: 'unknown field' });
  }
  const { document, issuer, date, basis, pages, note } = raw;
  if (!nonEmptyText(document)) issues.push({ path: `${path}.document`, message: 'must be a non-empty string naming the document' });
  if (!nonEmptyText(issuer)) issues.push({ path: `${path}.issuer`, message: 'must be a non-empty string naming the issuing body' });
  if (date !== undefined && !isIsoDate(date)) issues.push({ path: `${path}.date`, message: 'must be a real date YYYY-MM-DD' });
  if (basis !== undefined && !nonEmptyText(basis)) issues.push({ path: `${path}.basis`, message: 'must be a non-empty string' });
  if (note !== undefined && !nonEmptyText(note)) issues.push({ path: `${path}.note`, message: 'must be a non-empty string' });
  const outPages: SourcePage[] = [];
  if (pages !== undefined) {
    if (!Array.isArray(pages) || pages.length > MAX_PAGES) {
      issues.push({ path: `${path}.pages`, message: `must be an array of at most ${MAX_PAGES} {title, url}` });
    } else {
      pages.forEach((page: unknown, i: number) => {
        const pagePath = `${path}.pages[${i}]`;
        if (!isPlainObject(page)) {
          issues.push({ path: pagePath, message: 'expected an object {title, url}' });
          return;
        }
        for (const key of Object.keys(page)) {
          if (!PAGE_KEYS.has(key)) issues.push({ path: `${pagePath}.${key}`, message: 'unknown field' });
        }
        const { title, url } = page;
        if (!nonEmptyText(title)) issues.push({ path: `${pagePath}.title`, message: 'must be a non-empty string' });
        const urlOk = typeof url === 'string' && url.length <= MAX_TEXT && URL_RE.test(url);
        if (!urlOk) issues.push({ path: `${pagePath}.url`, message: 'must be an http(s) address' });
        if (nonEmptyText(title) && urlOk) outPages.push({ title: title.trim(), url });
      });
    }
  }
  if (issues.length > before) return undefined;
  const out: ScheduleSource = { document: (document as string).trim(), issuer: (issuer as string).trim() };
  if (date !== undefined) out.date = date as string;
  if (basis !== undefined) out.basis = (basis as string).trim();
  if (pages !== undefined) out.pages = outPages;
  if (note !== undefined) out.note = (note as string).trim();
  return out;
}

/** One line naming an entry's source, e.g. "Thông báo 9441/TB-BNV (Bộ Nội vụ, 2025-10-16)". */
export function formatScheduleSource(source: ScheduleSource): string {
  return `${source.document} (${source.issuer}${source.date !== undefined ? `, ${source.date}` : ''})`;
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
        issues.push({ path, message: 'expected an object {date, reason, source?}' });
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
      const entrySource = entry.source === undefined ? undefined : readSource(entry.source, `${path}.source`, issues);
      if (dateOk && nonEmptyText(reason)) {
        out.push({ date: date as string, reason: reason.trim(), ...(entrySource ? { source: entrySource } : {}) });
      }
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
