/**
 * Statutory public holidays of Vietnam, computed per year from the Labour Code
 * 2019 (Bộ luật Lao động 45/2019/QH14):
 *
 * Art. 112(1):
 *   a) Tết Dương lịch: 1 day (1/1);
 *   b) Tết Âm lịch: 5 days;
 *   c) Ngày Chiến thắng: 1 day (30/4);
 *   d) Ngày Quốc tế lao động: 1 day (1/5);
 *   đ) Quốc khánh: 2 days (2/9 and 1 day immediately before or after);
 *   e) Giỗ Tổ Hùng Vương: 1 day (10/3 lunar).
 * Art. 111(3): when a weekly rest day coincides with a holiday, the employee
 * gets a compensatory day off on the next working day.
 *
 * Which 5 days of Tết: the law only says "5 days"; the Prime Minister places
 * them every year. We take the common reading, used by most years' official
 * schedules: the LAST DAY OF THE OLD LUNAR YEAR (29 or 30 tháng Chạp, i.e. the
 * day before Tết) plus days 1–4 of tháng Giêng (mùng 1–4).
 *
 * Which day next to 2/9: 1/9 by default ('before'); `nationalDayAdjacent: 'after'` takes 3/9.
 *
 * Weekly rest days are Saturday and Sunday. Every holiday that falls on one of
 * them yields a compensatory day off on the next weekday that is neither a
 * holiday nor an already assigned compensatory day (processed in date order).
 *
 * These rules are today's law; for years before 2021 (older codes had 4 Tết
 * days and a 1-day Quốc khánh) the output is only an approximation.
 */
import { epochDayFromIso, isoFromEpochDay, weekdayOfEpochDay } from './dates';
import { CalendarError } from './errors';
import { hungKingsDate, lunarMonthLength, tetDate } from './lunar';

export type HolidayKind = 'new_year' | 'tet' | 'hung_kings' | 'reunification' | 'labour_day' | 'national_day' | 'compensatory';

export interface HolidayName {
  vi: string;
  en: string;
}

export interface StatutoryHoliday {
  /** 'YYYY-MM-DD' (Gregorian). */
  date: string;
  name: HolidayName;
  kind: HolidayKind;
  /** For kind 'compensatory': the holiday date that fell on a weekend. */
  compensatesFor?: string;
}

export interface StatutoryHolidayOptions {
  /** Day taken next to 2/9: 'before' = 1/9 (default), 'after' = 3/9. */
  nationalDayAdjacent?: 'before' | 'after';
}

export const MIN_SUPPORTED_YEAR = 1900;
export const MAX_SUPPORTED_YEAR = 2199;

function ymd(year: number, month: number, day: number): string {
  return `${year}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

const TET_DAY_NAMES: Record<number, HolidayName> = {
  1: { vi: 'Tết Nguyên Đán (mùng 1 Tết)', en: 'Lunar New Year (day 1)' },
  2: { vi: 'Tết Nguyên Đán (mùng 2 Tết)', en: 'Lunar New Year (day 2)' },
  3: { vi: 'Tết Nguyên Đán (mùng 3 Tết)', en: 'Lunar New Year (day 3)' },
  4: { vi: 'Tết Nguyên Đán (mùng 4 Tết)', en: 'Lunar New Year (day 4)' },
};

/**
 * The statutory holidays of a Gregorian year, sorted by date, including the
 * compensatory days off for holidays that fall on Saturday or Sunday.
 */
export function statutoryHolidays(year: number, options: StatutoryHolidayOptions = {}): StatutoryHoliday[] {
  if (!Number.isInteger(year) || year < MIN_SUPPORTED_YEAR || year > MAX_SUPPORTED_YEAR) {
    throw new CalendarError('YEAR_OUT_OF_RANGE', `year out of the supported range ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}: ${year}`);
  }
  const adjacent = options.nationalDayAdjacent ?? 'before';
  const list: StatutoryHoliday[] = [];
  list.push({ date: ymd(year, 1, 1), name: { vi: 'Tết Dương lịch', en: "New Year's Day" }, kind: 'new_year' });

  // Tết: last day of the old lunar year + mùng 1–4.
  const tet = epochDayFromIso(tetDate(year));
  const lastMonthLength = lunarMonthLength(12, year - 1); // 29 or 30 tháng Chạp
  list.push({
    date: isoFromEpochDay(tet - 1),
    name: {
      vi: `Tết Nguyên Đán (${lastMonthLength} tháng Chạp, ngày cuối năm âm lịch)`,
      en: 'Lunar New Year (last day of the lunar year)',
    },
    kind: 'tet',
  });
  for (let i = 1; i <= 4; i++) {
    list.push({ date: isoFromEpochDay(tet + i - 1), name: TET_DAY_NAMES[i]!, kind: 'tet' });
  }

  list.push({
    date: hungKingsDate(year),
    name: { vi: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', en: "Hung Kings' Commemoration Day" },
    kind: 'hung_kings',
  });
  list.push({
    date: ymd(year, 4, 30),
    name: { vi: 'Ngày Chiến thắng (30/4)', en: 'Reunification Day' },
    kind: 'reunification',
  });
  list.push({
    date: ymd(year, 5, 1),
    name: { vi: 'Ngày Quốc tế lao động (1/5)', en: "International Workers' Day" },
    kind: 'labour_day',
  });
  const nationalDayName: HolidayName = { vi: 'Quốc khánh (2/9)', en: 'National Day' };
  if (adjacent === 'before') {
    list.push({
      date: ymd(year, 9, 1),
      name: { vi: 'Quốc khánh (ngày liền kề 1/9)', en: 'National Day (adjacent day)' },
      kind: 'national_day',
    });
    list.push({ date: ymd(year, 9, 2), name: nationalDayName, kind: 'national_day' });
  } else {
    list.push({ date: ymd(year, 9, 2), name: nationalDayName, kind: 'national_day' });
    list.push({
      date: ymd(year, 9, 3),
      name: { vi: 'Quốc khánh (ngày liền kề 3/9)', en: 'National Day (adjacent day)' },
      kind: 'national_day',
    });
  }

  list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

  // Art. 111(3): compensatory days off.
  const taken = new Set<number>(list.map((h) => epochDayFromIso(h.date)));
  const compensatory: StatutoryHoliday[] = [];
  for (const h of list) {
    const day = epochDayFromIso(h.date);
    const wd = weekdayOfEpochDay(day);
    if (wd !== 0 && wd !== 6) continue;
    let d = day + 1;
    for (;;) {
      const w = weekdayOfEpochDay(d);
      if (w !== 0 && w !== 6 && !taken.has(d)) break;
      d++;
    }
    taken.add(d);
    compensatory.push({
      date: isoFromEpochDay(d),
      name: { vi: `Nghỉ bù ${h.name.vi}`, en: `Compensatory day off for ${h.name.en} (${h.date})` },
      kind: 'compensatory',
      compensatesFor: h.date,
    });
  }
  return [...list, ...compensatory].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
