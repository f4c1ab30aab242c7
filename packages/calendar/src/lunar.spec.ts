import { hungKingsDate, jdFromDate, jdToDate, leapMonthOf, lunarMonthLength, lunarToSolar, solarToLunar, tetDate } from './lunar';
import { CalendarError } from './errors';

/*
 * INDEPENDENT REFERENCE for 1970–2100: Hồ Ngọc Đức's published encoded year
 * tables TK20 (1900–1999), TK21 (2000–2099) and TK22 (2100–2199, first 10 years
 * here), from his "Âm lịch Việt Nam" JavaScript (amlich.js, © 2004 Hồ Ngọc Đức,
 * http://www.informatik.uni-leipzig.de/~duc/amlich/), copied verbatim; the same
 * tables circulate unchanged in many ports (checked against several copies).
 * They are decoded below by a small table decoder written for this test, so
 * this test never calls the astronomical code to build its expectations.
 *
 * Encoding of one year (24 bits):
 *   bits 17+   : day offset of Tết (1/1 lunar) from 1 January of the year;
 *   bit  16    : length of the leap month (1 = 30 days, 0 = 29);
 *   bits 4–15  : lengths of the 12 regular months, month 1 in bit 15 (1 = 30 days);
 *   bits 0–3   : the leap month (0 = none); the leap month follows the regular month of the same number.
 */
// prettier-ignore
const TK20 = [
  0x3c4bd8, 0x624ae0, 0x4ca570, 0x3854d5, 0x5cd260, 0x44d950, 0x315554, 0x5656a0, 0x409ad0, 0x2a55d2,
  0x504ae0, 0x3aa5b6, 0x60a4d0, 0x48d250, 0x33d255, 0x58b540, 0x42d6a0, 0x2cada2, 0x5295b0, 0x3f4977,
  0x644970, 0x4ca4b0, 0x36b4b5, 0x5c6a50, 0x466d50, 0x312b54, 0x562b60, 0x409570, 0x2c52f2, 0x504970,
  0x3a6566, 0x5ed4a0, 0x48ea50, 0x336a95, 0x585ad0, 0x442b60, 0x2f86e3, 0x5292e0, 0x3dc8d7, 0x62c950,
  0x4cd4a0, 0x35d8a6, 0x5ab550, 0x4656a0, 0x31a5b4, 0x5625d0, 0x4092d0, 0x2ad2b2, 0x50a950, 0x38b557,
  0x5e6ca0, 0x48b550, 0x355355, 0x584da0, 0x42a5b0, 0x2f4573, 0x5452b0, 0x3ca9a8, 0x60e950, 0x4c6aa0,
  0x36aea6, 0x5aab50, 0x464b60, 0x30aae4, 0x56a570, 0x405260, 0x28f263, 0x4ed940, 0x38db47, 0x5cd6a0,
  0x4896d0, 0x344dd5, 0x5a4ad0, 0x42a4d0, 0x2cd4b4, 0x52b250, 0x3cd558, 0x60b540, 0x4ab5a0, 0x3755a6,
  0x5c95b0, 0x4649b0, 0x30a974, 0x56a4b0, 0x40aa50, 0x29aa52, 0x4e6d20, 0x39ad47, 0x5eab60, 0x489370,
  0x344af5, 0x5a4970, 0x4464b0, 0x2c74a3, 0x50ea50, 0x3d6a58, 0x6256a0, 0x4aaad0, 0x3696d5, 0x5c92e0,
];
// prettier-ignore
const TK21 = [
  0x46c960, 0x2ed954, 0x54d4a0, 0x3eda50, 0x2a7552, 0x4e56a0, 0x38a7a7, 0x5ea5d0, 0x4a92b0, 0x32aab5,
  0x58a950, 0x42b4a0, 0x2cbaa4, 0x50ad50, 0x3c55d9, 0x624ba0, 0x4ca5b0, 0x375176, 0x5c5270, 0x466930,
  0x307934, 0x546aa0, 0x3ead50, 0x2a5b52, 0x504b60, 0x38a6e6, 0x5ea4e0, 0x48d260, 0x32ea65, 0x56d520,
  0x40daa0, 0x2d56a3, 0x5256d0, 0x3c4afb, 0x6249d0, 0x4ca4d0, 0x37d0b6, 0x5ab250, 0x44b520, 0x2edd25,
  0x54b5a0, 0x3e55d0, 0x2a55b2, 0x5049b0, 0x3aa577, 0x5ea4b0, 0x48aa50, 0x33b255, 0x586d20, 0x40ad60,
  0x2d4b63, 0x525370, 0x3e49e8, 0x60c970, 0x4c54b0, 0x3768a6, 0x5ada50, 0x445aa0, 0x2fa6a4, 0x54aad0,
  0x4052e0, 0x28d2e3, 0x4ec950, 0x38d557, 0x5ed4a0, 0x46d950, 0x325d55, 0x5856a0, 0x42a6d0, 0x2c55d4,
  0x5252b0, 0x3ca9b8, 0x62a930, 0x4ab490, 0x34b6a6, 0x5aad50, 0x4655a0, 0x2eab64, 0x54a570, 0x4052b0,
  0x2ab173, 0x4e6930, 0x386b37, 0x5e6aa0, 0x48ad50, 0x332ad5, 0x582b60, 0x42a570, 0x2e52e4, 0x50d160,
  0x3ae958, 0x60d520, 0x4ada90, 0x355aa6, 0x5a56d0, 0x462ae0, 0x30a9d4, 0x54a2d0, 0x3ed150, 0x28e952,
];
// prettier-ignore
const TK22_FIRST = [
  0x4eb520, 0x38d727, 0x5eada0, 0x4a55b0, 0x362db5, 0x5a45b0, 0x44a2b0, 0x2eb2b4, 0x54a950, 0x3cb559,
];

/** Table decoder (independent of ./lunar): Tết and Giỗ Tổ (10/3, regular month 3) as 'YYYY-MM-DD'. */
function decodeReference(year: number): { tet: string; gioTo: string; leapMonth: number } {
  const code = year < 2000 ? TK20[year - 1900] : year < 2100 ? TK21[year - 2000] : TK22_FIRST[year - 2100];
  if (code === undefined) throw new Error(`no reference for ${year}`);
  const tetOffset = code >> 17;
  const leapMonth = code & 0xf;
  const leapLength = (code >> 16) & 0x1 ? 30 : 29;
  const monthLength = (m: number): number => ((code >> (16 - m)) & 0x1 ? 30 : 29); // month 1 → bit 15
  // Using Date.UTC arithmetic only (no code under test).
  const jan1 = Date.UTC(year, 0, 1);
  const day = 86_400_000;
  const tetMs = jan1 + tetOffset * day;
  let toMonth3 = monthLength(1) + monthLength(2);
  if (leapMonth === 1 || leapMonth === 2) toMonth3 += leapLength;
  const gioToMs = tetMs + (toMonth3 + 9) * day;
  const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return { tet: iso(tetMs), gioTo: iso(gioToMs), leapMonth };
}

describe('decoder sanity (the reference itself)', () => {
  it('decodes the well-known years correctly', () => {
    expect(decodeReference(1985)).toEqual({ tet: '1985-01-21', gioTo: '1985-04-29', leapMonth: 2 });
    expect(decodeReference(2026).tet).toBe('2026-02-17');
    expect(decodeReference(2030)).toMatchObject({ tet: '2030-02-02', gioTo: '2030-04-12' });
  });
});

describe('Tết and Giỗ Tổ 1970–2100 match the independent table reference', () => {
  const years = Array.from({ length: 2100 - 1970 + 1 }, (_, i) => 1970 + i);
  it.each(years)('%i', (year) => {
    const ref = decodeReference(year);
    expect({ tet: tetDate(year), gioTo: hungKingsDate(year), leapMonth: leapMonthOf(year) }).toEqual(ref);
  });
});

describe('published reference dates (DESIGN §7)', () => {
  it.each([
    [2025, '2025-01-29', '2025-04-07'],
    [2026, '2026-02-17', '2026-04-26'],
    [2027, '2027-02-06', '2027-04-16'],
    [2028, '2028-01-26', '2028-04-04'],
    [2029, '2029-02-13', '2029-04-23'],
    [2030, '2030-02-02', '2030-04-12'],
  ])('%i: Tết %s, Giỗ Tổ %s', (year, tet, gioTo) => {
    expect(tetDate(year)).toBe(tet);
    expect(hungKingsDate(year)).toBe(gioTo);
  });

  it('uses Vietnam time (UTC+7), not China time (UTC+8), where they differ', () => {
    // 1985: Vietnam 21/1, China 20/2 (month 11 boundary differs); 2030: Vietnam 2/2, China 3/2.
    expect(tetDate(1985)).toBe('1985-01-21');
    expect(tetDate(1985, 8)).toBe('1985-02-20');
    expect(tetDate(2030, 8)).toBe('2030-02-03');
    // 2007: Vietnam 17/2, China 18/2.
    expect(tetDate(2007)).toBe('2007-02-17');
    expect(tetDate(2007, 8)).toBe('2007-02-18');
  });
});

describe('solarToLunar / lunarToSolar', () => {
  it('converts known dates', () => {
    // 16/2/2026 is 29 tháng Chạp Ất Tỵ (month 12 has 29 days); 14/2/2026 is 27 Chạp.
    expect(solarToLunar(16, 2, 2026)).toEqual({ day: 29, month: 12, year: 2025, isLeapMonth: false });
    expect(solarToLunar(14, 2, 2026)).toEqual({ day: 27, month: 12, year: 2025, isLeapMonth: false });
    // 25/1/2025 is 26 Chạp Giáp Thìn; 2/2/2025 is mùng 5 Tết Ất Tỵ (as in the 2025 official notice).
    expect(solarToLunar(25, 1, 2025)).toEqual({ day: 26, month: 12, year: 2024, isLeapMonth: false });
    expect(solarToLunar(2, 2, 2025)).toEqual({ day: 5, month: 1, year: 2025, isLeapMonth: false });
    // 2025 has a leap 6th month starting 25/7/2025.
    expect(solarToLunar(25, 7, 2025)).toEqual({ day: 1, month: 6, year: 2025, isLeapMonth: true });
    expect(lunarToSolar(1, 6, 2025, true)).toEqual({ day: 25, month: 7, year: 2025 });
  });

  it('round-trips every day of 2024–2031', () => {
    for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2031, 11, 31); t += 86_400_000) {
      const d = new Date(t);
      const l = solarToLunar(d.getUTCDate(), d.getUTCMonth() + 1, d.getUTCFullYear());
      expect(lunarToSolar(l.day, l.month, l.year, l.isLeapMonth)).toEqual({
        day: d.getUTCDate(),
        month: d.getUTCMonth() + 1,
        year: d.getUTCFullYear(),
      });
    }
  });

  it('rejects a leap month that does not exist and a day 30 in a 29-day month', () => {
    expect(() => lunarToSolar(1, 5, 2026, true)).toThrow(CalendarError);
    expect(lunarMonthLength(12, 2025)).toBe(29);
    expect(() => lunarToSolar(30, 12, 2025)).toThrow(/only 29 days/);
    expect(() => solarToLunar(30, 2, 2026)).toThrow(CalendarError);
  });

  it('Julian day numbers', () => {
    expect(jdFromDate(1, 1, 2000)).toBe(2451545);
    expect(jdToDate(2451545)).toEqual({ day: 1, month: 1, year: 2000 });
  });
});
