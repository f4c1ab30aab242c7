/**
 * Civil-date helpers. A civil date is handled internally as an integer
 * "epoch day" (days since 1970-01-01) and externally as 'YYYY-MM-DD'.
 *
 * Vietnam has used a fixed UTC+07:00 without daylight saving since 1975, so
 * Asia/Ho_Chi_Minh wall-clock dates are computed with a constant offset; no
 * time-zone database is needed (and none is consulted, which keeps it fast).
 */
import { CalendarError } from './errors';

export const MS_PER_DAY = 86_400_000;
/** Asia/Ho_Chi_Minh offset from UTC in milliseconds (+07:00). */
export const VN_OFFSET_MS = 7 * 3_600_000;
export const VN_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function epochDayFromYmd(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / MS_PER_DAY);
}

export function ymdFromEpochDay(epochDay: number): { year: number; month: number; day: number } {
  const d = new Date(epochDay * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatYmd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

export function isoFromEpochDay(epochDay: number): string {
  const { year, month, day } = ymdFromEpochDay(epochDay);
  return formatYmd(year, month, day);
}

/** Strict 'YYYY-MM-DD' check (a real calendar date). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE_RE.exec(value);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** 'YYYY-MM-DD' → epoch day; throws CalendarError INVALID_DATE. */
export function epochDayFromIso(value: string): number {
  if (!isIsoDate(value)) {
    throw new CalendarError('INVALID_DATE', `not a valid YYYY-MM-DD date: ${JSON.stringify(value)}`);
  }
  return epochDayFromYmd(Number(value.slice(0, 4)), Number(value.slice(5, 7)), Number(value.slice(8, 10)));
}

/** Day of week of an epoch day: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

export function weekdayOfIso(date: string): number {
  return weekdayOfEpochDay(epochDayFromIso(date));
}

export const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export const WEEKDAY_VI = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'] as const;

/** Asia/Ho_Chi_Minh calendar day (epoch day) that contains the instant. */
export function vnEpochDayOf(instant: Date): number {
  return Math.floor((instant.getTime() + VN_OFFSET_MS) / MS_PER_DAY);
}

/** Asia/Ho_Chi_Minh calendar date ('YYYY-MM-DD') that contains the instant. */
export function vnDateOf(instant: Date): string {
  return isoFromEpochDay(vnEpochDayOf(instant));
}

/** The instant 00:00 Asia/Ho_Chi_Minh at the start of the given day. */
export function vnStartOfEpochDay(epochDay: number): Date {
  return new Date(epochDay * MS_PER_DAY - VN_OFFSET_MS);
}

/** The instant 24:00 Asia/Ho_Chi_Minh at the end of the given day (= next day 00:00 +07:00 = 17:00Z). */
export function vnEndOfEpochDay(epochDay: number): Date {
  return new Date((epochDay + 1) * MS_PER_DAY - VN_OFFSET_MS);
}

export function vnStartOfDay(date: string): Date {
  return vnStartOfEpochDay(epochDayFromIso(date));
}

export function vnEndOfDay(date: string): Date {
  return vnEndOfEpochDay(epochDayFromIso(date));
}

/** Formats an instant as local Vietnam wall-clock time, e.g. '2026-02-14 03:00 +07:00'. */
export function formatVnDateTime(instant: Date): string {
  const local = new Date(instant.getTime() + VN_OFFSET_MS);
  return (
    `${formatYmd(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate())} ` +
    `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())} +07:00`
  );
}

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 date-time strictly. A value with an explicit offset
 * ('Z' or ±HH:MM) is taken as is; a value WITHOUT an offset, or a bare date,
 * is read as Asia/Ho_Chi_Minh wall-clock time (a bare date = 00:00 local).
 * Throws CalendarError INVALID_INSTANT.
 */
export function parseInstant(value: string): Date {
  const fail = (why: string): never => {
    throw new CalendarError('INVALID_INSTANT', `not a valid ISO 8601 date-time (${why}): ${JSON.stringify(value)}`);
  };
  if (typeof value !== 'string') return fail('not a string');
  const m = INSTANT_RE.exec(value.trim());
  if (!m) return fail('expected YYYY-MM-DDTHH:MM[:SS[.sss]][Z|±HH:MM]');
  const [, ys, mos, ds, hs, mis, ss, fs, tz] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = hs === undefined ? 0 : Number(hs);
  const mi = mis === undefined ? 0 : Number(mis);
  const s = ss === undefined ? 0 : Number(ss);
  const ms = fs === undefined ? 0 : Math.floor(Number(`0.${fs}`) * 1000);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return fail('no such date');
  if (h > 23 || mi > 59 || s > 59) return fail('no such time');
  let offsetMs = VN_OFFSET_MS;
  if (tz !== undefined) {
    if (tz === 'Z' || tz === 'z') offsetMs = 0;
    else {
      const sign = tz[0] === '-' ? -1 : 1;
      const digits = tz.slice(1).replace(':', '');
      const oh = Number(digits.slice(0, 2));
      const om = Number(digits.slice(2, 4));
      if (oh > 23 || om > 59) return fail('bad offset');
      offsetMs = sign * (oh * 3_600_000 + om * 60_000);
    }
  }
  const local = epochDayFromYmd(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms;
  return new Date(local - offsetMs);
}
