import { statutoryHolidays } from './holidays';
import { CalendarError } from './errors';

const dates = (year: number, opts?: Parameters<typeof statutoryHolidays>[1]) =>
  statutoryHolidays(year, opts).map((h) => `${h.date} ${h.kind}`);

describe('statutoryHolidays (Labour Code 2019 Art. 112, make-up per Art. 111(3))', () => {
  it('2026: Giỗ Tổ on Sunday 26/4 is made up on Monday 27/4; no other weekend clash', () => {
    // Tết 17/2/2026 (Tue): 16/2 (29 Chạp) + 17–20/2 (mùng 1–4), all weekdays.
    // 1/1 Thu; 30/4 Thu; 1/5 Fri; 1/9 Tue; 2/9 Wed.
    expect(dates(2026)).toEqual([
      '2026-01-01 new_year',
      '2026-02-16 tet',
      '2026-02-17 tet',
      '2026-02-18 tet',
      '2026-02-19 tet',
      '2026-02-20 tet',
      '2026-04-26 hung_kings',
      '2026-04-27 compensatory',
      '2026-04-30 reunification',
      '2026-05-01 labour_day',
      '2026-09-01 national_day',
      '2026-09-02 national_day',
    ]);
  });

  it('2027: Tết on Saturday 6/2 → two Tết days on the weekend are made up on Wed 10/2 and Thu 11/2; 1/5 (Sat) on Mon 3/5', () => {
    // Tết 6/2/2027 (Sat): 5/2 Fri (last day of the lunar year), 6 Sat, 7 Sun, 8 Mon, 9 Tue.
    // Next weekdays that are not holidays: Wed 10/2 (for 6/2), Thu 11/2 (for 7/2).
    const list = statutoryHolidays(2027);
    expect(list.map((h) => `${h.date} ${h.kind}`)).toEqual([
      '2027-01-01 new_year',
      '2027-02-05 tet',
      '2027-02-06 tet',
      '2027-02-07 tet',
      '2027-02-08 tet',
      '2027-02-09 tet',
      '2027-02-10 compensatory',
      '2027-02-11 compensatory',
      '2027-04-16 hung_kings',
      '2027-04-30 reunification',
      '2027-05-01 labour_day',
      '2027-05-03 compensatory',
      '2027-09-01 national_day',
      '2027-09-02 national_day',
    ]);
    const comp = list.find((h) => h.date === '2027-02-11');
    expect(comp?.compensatesFor).toBe('2027-02-07');
    expect(list.find((h) => h.date === '2027-02-05')?.name.vi).toMatch(/29 tháng Chạp/);
  });

  it('2028: 1/1 (Sat) → 3/1; mùng 4 (Sat 29/1) → 31/1; 30/4 (Sun) → Tue 2/5 because Mon 1/5 is itself a holiday; 2/9 (Sat) → 4/9', () => {
    expect(dates(2028)).toEqual([
      '2028-01-01 new_year',
      '2028-01-03 compensatory',
      '2028-01-25 tet',
      '2028-01-26 tet',
      '2028-01-27 tet',
      '2028-01-28 tet',
      '2028-01-29 tet',
      '2028-01-31 compensatory',
      '2028-04-04 hung_kings',
      '2028-04-30 reunification',
      '2028-05-01 labour_day',
      '2028-05-02 compensatory',
      '2028-09-01 national_day',
      '2028-09-02 national_day',
      '2028-09-04 compensatory',
    ]);
  });

  it('the day next to 2/9 is configurable: 3/9 instead of 1/9', () => {
    // 2028: 2/9 Sat, 3/9 Sun → made up Mon 4/9 and Tue 5/9.
    expect(dates(2028, { nationalDayAdjacent: 'after' }).filter((d) => d.startsWith('2028-09'))).toEqual([
      '2028-09-02 national_day',
      '2028-09-03 national_day',
      '2028-09-04 compensatory',
      '2028-09-05 compensatory',
    ]);
  });

  it('every entry has a Vietnamese and English name; 11 statutory days per year', () => {
    for (let y = 2025; y <= 2035; y++) {
      const list = statutoryHolidays(y);
      expect(list.filter((h) => h.kind !== 'compensatory')).toHaveLength(11);
      for (const h of list) {
        expect(h.name.vi.length).toBeGreaterThan(0);
        expect(h.name.en.length).toBeGreaterThan(0);
        expect(h.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      const sorted = [...list].map((h) => h.date).sort();
      expect(list.map((h) => h.date)).toEqual(sorted);
      expect(new Set(sorted).size).toBe(sorted.length);
    }
  });

  it('rejects years outside the supported range', () => {
    expect(() => statutoryHolidays(1800)).toThrow(CalendarError);
  });
});
