/**
 * Dates as a letter prints them: wall-clock days in Asia/Ho_Chi_Minh (UTC+7 all year, no DST).
 * A deadline is a day that ends at 24:00; the calendar gives it either as that day
 * (`YYYY-MM-DD`, the case's stored `dueDate`) or as the instant 24:00 (= next day 00:00 +07:00).
 */
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

export interface DayParts {
  year: number;
  month: number;
  day: number;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day in Vietnam of an instant. */
export function vnDay(instant: Date): DayParts {
  const shifted = new Date(instant.getTime() + VN_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** The wall-clock time in Vietnam of an instant, `HH:MM`. */
export function vnTime(instant: Date): string {
  const shifted = new Date(instant.getTime() + VN_OFFSET_MS);
  return `${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`;
}

/** A deadline day: `YYYY-MM-DD` as it is, an instant as the day that ends at (or runs through) it. */
export function deadlineDay(value: Date | string): DayParts {
  if (typeof value === 'string') {
    const m = ISO_DAY.exec(value);
    if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    value = new Date(value);
  }
  // 24:00 of a day is the first instant of the next one: step back 1 ms to stay on the day it ends.
  return vnDay(new Date(value.getTime() - 1));
}

/** dd/mm/yyyy, the usual Vietnamese numeric form (also used in the English letters, with the month named). */
export function numericDate(d: DayParts): string {
  return `${pad(d.day)}/${pad(d.month)}/${d.year}`;
}

/** Parses the date inputs letters accept: a Date, an ISO date-time, or a plain `YYYY-MM-DD` (that day in Vietnam). */
export function toInstant(value: Date | string): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  const m = ISO_DAY.exec(value);
  if (m) {
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - VN_OFFSET_MS;
    const back = vnDay(new Date(t));
    // Reject 2026-02-30 and the like instead of rolling over.
    if (back.year !== Number(m[1]) || back.month !== Number(m[2]) || back.day !== Number(m[3])) return undefined;
    return new Date(t);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
