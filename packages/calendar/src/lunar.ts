/**
 * Vietnamese lunisolar calendar, computed astronomically.
 *
 * This is Hồ Ngọc Đức's published algorithm ("Thuật toán tính âm lịch",
 * https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html), itself built on
 * Jean Meeus, "Astronomical Algorithms" (1998):
 *   - new moons (sóc) from Meeus' series, truncated as in Hồ Ngọc Đức's code;
 *   - the sun's apparent longitude (Meeus ch. 25, low precision);
 *   - a lunar day starts at 00:00 local time; Vietnam uses UTC+7 (China UTC+8,
 *     which is why Tết 1985 is 21 Jan in Vietnam and 20 Feb in China, and
 *     Tết 2030 is 2 Feb in Vietnam and 3 Feb in China);
 *   - month 11 is the lunar month that contains the winter solstice;
 *   - in a year with 13 months between two months 11, the leap month is the
 *     first month after month 11 that contains no major solar term (trung khí).
 *
 * All "day numbers" below are Julian Day Numbers (integers, days since
 * 1 January 4713 BC, Julian calendar, noon).
 */
import { CalendarError } from './errors';
import { daysInMonth, formatYmd } from './dates';

export interface LunarDate {
  day: number;
  month: number;
  /** The lunar year number: the Gregorian year in which that lunar year's Tết falls. */
  year: number;
  isLeapMonth: boolean;
}

export interface SolarDate {
  day: number;
  month: number;
  year: number;
}

export const VIETNAM_TIME_ZONE_HOURS = 7;

const PI = Math.PI;
const DR = PI / 180;
const INT = Math.floor;
/** Mean synodic month in days. */
const SYNODIC_MONTH = 29.530588853;
/** JD of the new moon 1900-01-01 13:52 UT used as k = 0 by the algorithm. */
const NEW_MOON_EPOCH = 2415021.076998695;

/** Julian Day Number of a proleptic-Gregorian / Julian (before 15 Oct 1582) date. */
export function jdFromDate(dd: number, mm: number, yy: number): number {
  const a = INT((14 - mm) / 12);
  const y = yy + 4800 - a;
  const m = mm + 12 * a - 3;
  let jd = dd + INT((153 * m + 2) / 5) + 365 * y + INT(y / 4) - INT(y / 100) + INT(y / 400) - 32045;
  if (jd < 2299161) jd = dd + INT((153 * m + 2) / 5) + 365 * y + INT(y / 4) - 32083;
  return jd;
}

export function jdToDate(jd: number): SolarDate {
  let a: number;
  let b: number;
  let c: number;
  if (jd > 2299160) {
    a = jd + 32044;
    b = INT((4 * a + 3) / 146097);
    c = a - INT((b * 146097) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = INT((4 * c + 3) / 1461);
  const e = c - INT((1461 * d) / 4);
  const m = INT((5 * e + 2) / 153);
  const day = e - INT((153 * m + 2) / 5) + 1;
  const month = m + 3 - 12 * INT(m / 10);
  const year = b * 100 + d - 4800 + INT(m / 10);
  return { day, month, year };
}

/** Julian day (fractional, UT) of the k-th new moon after 1900-01-01 (Meeus ch. 49, as truncated by Hồ Ngọc Đức). */
export function newMoonJd(k: number): number {
  const T = k / 1236.85; // Julian centuries from 1900-01-01 12:00
  const T2 = T * T;
  const T3 = T2 * T;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * DR); // mean new moon
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // moon's argument of latitude
  let C1 = (0.1734 - 0.000393 * T) * Math.sin(M * DR) + 0.0021 * Math.sin(2 * DR * M);
  C1 = C1 - 0.4068 * Math.sin(Mpr * DR) + 0.0161 * Math.sin(DR * 2 * Mpr);
  C1 = C1 - 0.0004 * Math.sin(DR * 3 * Mpr);
  C1 = C1 + 0.0104 * Math.sin(DR * 2 * F) - 0.0051 * Math.sin(DR * (M + Mpr));
  C1 = C1 - 0.0074 * Math.sin(DR * (M - Mpr)) + 0.0004 * Math.sin(DR * (2 * F + M));
  C1 = C1 - 0.0004 * Math.sin(DR * (2 * F - M)) - 0.0006 * Math.sin(DR * (2 * F + Mpr));
  C1 = C1 + 0.001 * Math.sin(DR * (2 * F - Mpr)) + 0.0005 * Math.sin(DR * (2 * Mpr + M));
  let deltaT: number; // ΔT (TT − UT) in days
  if (T < -11) {
    deltaT = 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3;
  } else {
    deltaT = -0.000278 + 0.000265 * T + 0.000262 * T2;
  }
  return jd1 + C1 - deltaT;
}

/** Sun's apparent longitude in radians, normalized to [0, 2π), at the given fractional JD (Meeus ch. 25). */
export function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525; // Julian centuries from J2000.0
  const T2 = T * T;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2; // mean anomaly
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2; // mean longitude
  let DL = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(DR * M);
  DL += (0.019993 - 0.000101 * T) * Math.sin(DR * 2 * M) + 0.00029 * Math.sin(DR * 3 * M);
  let L = (L0 + DL) * DR; // true longitude
  L -= PI * 2 * INT(L / (PI * 2));
  return L;
}

/** Day number of the k-th new moon in local time. */
function newMoonDay(k: number, tz: number): number {
  return INT(newMoonJd(k) + 0.5 + tz / 24);
}

/** Sun longitude sector (0…11, 30° each; major terms at the boundaries) at local 00:00 of the day. */
function sunSector(dayNumber: number, tz: number): number {
  return INT((sunLongitude(dayNumber - 0.5 - tz / 24) / PI) * 6);
}

const month11Cache = new Map<string, number>();

/** Day number on which lunar month 11 (the one containing the winter solstice of Gregorian year yy) starts. */
function lunarMonth11(yy: number, tz: number): number {
  const key = `${yy}|${tz}`;
  const cached = month11Cache.get(key);
  if (cached !== undefined) return cached;
  const off = jdFromDate(31, 12, yy) - 2415021;
  const k = INT(off / SYNODIC_MONTH);
  let nm = newMoonDay(k, tz);
  const sunLong = sunSector(nm, tz); // sun longitude at local midnight
  if (sunLong >= 9) nm = newMoonDay(k - 1, tz); // new moon already after the solstice (270°)
  month11Cache.set(key, nm);
  return nm;
}

/** Offset (in months after month 11 starting at a11) of the leap month: the first month without a major term. */
function leapMonthOffset(a11: number, tz: number): number {
  const k = INT((a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
  let last: number;
  let i = 1; // start with the month after month 11
  let arc = sunSector(newMoonDay(k + i, tz), tz);
  do {
    last = arc;
    i++;
    arc = sunSector(newMoonDay(k + i, tz), tz);
  } while (arc !== last && i < 14);
  return i - 1;
}

function checkTz(tz: number): void {
  if (!Number.isFinite(tz) || tz < -12 || tz > 14) {
    throw new CalendarError('INVALID_LUNAR_DATE', `time zone offset out of range: ${tz}`);
  }
}

function checkYear(year: number): void {
  if (!Number.isInteger(year) || year < 1000 || year > 3000) {
    throw new CalendarError('YEAR_OUT_OF_RANGE', `year out of the supported range 1000–3000: ${year}`);
  }
}

/** Converts a Gregorian date to the Vietnamese lunar date (default time zone UTC+7). */
export function solarToLunar(day: number, month: number, year: number, timeZoneHours = VIETNAM_TIME_ZONE_HOURS): LunarDate {
  checkYear(year);
  checkTz(timeZoneHours);
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) {
    throw new CalendarError('INVALID_DATE', `no such Gregorian date: ${formatYmd(year, month, day)}`);
  }
  const tz = timeZoneHours;
  const dayNumber = jdFromDate(day, month, year);
  const k = INT((dayNumber - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let monthStart = newMoonDay(k + 1, tz);
  if (monthStart > dayNumber) monthStart = newMoonDay(k, tz);
  let a11 = lunarMonth11(year, tz);
  let b11 = a11;
  let lunarYear: number;
  if (a11 >= monthStart) {
    lunarYear = year;
    a11 = lunarMonth11(year - 1, tz);
  } else {
    lunarYear = year + 1;
    b11 = lunarMonth11(year + 1, tz);
  }
  const lunarDay = dayNumber - monthStart + 1;
  const diff = INT((monthStart - a11) / 29);
  let isLeapMonth = false;
  let lunarMonth = diff + 11;
  if (b11 - a11 > 365) {
    const leapDiff = leapMonthOffset(a11, tz);
    if (diff >= leapDiff) {
      lunarMonth = diff + 10;
      if (diff === leapDiff) isLeapMonth = true;
    }
  }
  if (lunarMonth > 12) lunarMonth -= 12;
  if (lunarMonth >= 11 && diff < 4) lunarYear -= 1;
  return { day: lunarDay, month: lunarMonth, year: lunarYear, isLeapMonth };
}

/** Day number of day 1 of the given lunar month, or null when that (leap) month does not exist. */
function lunarMonthStart(month: number, year: number, isLeapMonth: boolean, tz: number): { start: number; next: number } | null {
  let a11: number;
  let b11: number;
  if (month < 11) {
    a11 = lunarMonth11(year - 1, tz);
    b11 = lunarMonth11(year, tz);
  } else {
    a11 = lunarMonth11(year, tz);
    b11 = lunarMonth11(year + 1, tz);
  }
  const k = INT(0.5 + (a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH);
  let off = month - 11;
  if (off < 0) off += 12;
  if (b11 - a11 > 365) {
    const leapOff = leapMonthOffset(a11, tz);
    let leapMonth = leapOff - 2;
    if (leapMonth < 0) leapMonth += 12;
    if (isLeapMonth && month !== leapMonth) return null;
    if (isLeapMonth || off >= leapOff) off += 1;
  } else if (isLeapMonth) {
    return null;
  }
  return { start: newMoonDay(k + off, tz), next: newMoonDay(k + off + 1, tz) };
}

/**
 * Converts a Vietnamese lunar date to the Gregorian date (default time zone UTC+7).
 * Throws CalendarError INVALID_LUNAR_DATE when the leap month does not exist in
 * that year or the day exceeds the month's length (29 or 30).
 */
export function lunarToSolar(
  day: number,
  month: number,
  year: number,
  isLeapMonth = false,
  timeZoneHours = VIETNAM_TIME_ZONE_HOURS,
): SolarDate {
  checkYear(year);
  checkTz(timeZoneHours);
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(day) || day < 1 || day > 30) {
    throw new CalendarError('INVALID_LUNAR_DATE', `no such lunar date: ${day}/${month}/${year}`);
  }
  const span = lunarMonthStart(month, year, isLeapMonth, timeZoneHours);
  if (span === null) {
    throw new CalendarError('INVALID_LUNAR_DATE', `lunar year ${year} has no leap month ${month}`);
  }
  if (day > span.next - span.start) {
    throw new CalendarError(
      'INVALID_LUNAR_DATE',
      `lunar month ${month}${isLeapMonth ? ' (leap)' : ''} of ${year} has only ${span.next - span.start} days`,
    );
  }
  return jdToDate(span.start + day - 1);
}

/** Number of days (29 or 30) of a lunar month. */
export function lunarMonthLength(month: number, year: number, isLeapMonth = false, timeZoneHours = VIETNAM_TIME_ZONE_HOURS): number {
  checkYear(year);
  const span = lunarMonthStart(month, year, isLeapMonth, timeZoneHours);
  if (span === null) throw new CalendarError('INVALID_LUNAR_DATE', `lunar year ${year} has no leap month ${month}`);
  return span.next - span.start;
}

/** The leap month (1–12) of a lunar year, or 0 when the year has none. */
export function leapMonthOf(year: number, timeZoneHours = VIETNAM_TIME_ZONE_HOURS): number {
  checkYear(year);
  for (let m = 1; m <= 12; m++) {
    if (lunarMonthStart(m, year, true, timeZoneHours) !== null) return m;
  }
  return 0;
}

function toIso(d: SolarDate): string {
  return formatYmd(d.year, d.month, d.day);
}

/** Gregorian date ('YYYY-MM-DD') of Tết Nguyên Đán (1/1 lunar) of the given year. */
export function tetDate(year: number, timeZoneHours = VIETNAM_TIME_ZONE_HOURS): string {
  return toIso(lunarToSolar(1, 1, year, false, timeZoneHours));
}

/** Gregorian date ('YYYY-MM-DD') of Giỗ Tổ Hùng Vương (10/3 lunar, the regular month 3) of the given year. */
export function hungKingsDate(year: number, timeZoneHours = VIETNAM_TIME_ZONE_HOURS): string {
  return toIso(lunarToSolar(10, 3, year, false, timeZoneHours));
}
