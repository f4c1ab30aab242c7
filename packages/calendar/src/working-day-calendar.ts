/**
 * Working-day calendar: Monday–Friday are working days, except
 *   - in a year with an official schedule: its days off (and its make-up
 *     working Saturdays/Sundays are working days);
 *   - in a year without one: the computed statutory holidays and their
 *     compensatory days (Labour Code 2019 Art. 111(3), 112), marked provisional.
 *
 * Per-year data (a Uint8Array of working flags plus one frozen DayInfo per day)
 * is built lazily on first use and cached, so lookups in hot loops are an
 * array access.
 */
import { epochDayFromIso, epochDayFromYmd, isoFromEpochDay, weekdayOfEpochDay, ymdFromEpochDay } from './dates';
import { CalendarError } from './errors';
import { MAX_SUPPORTED_YEAR, MIN_SUPPORTED_YEAR, statutoryHolidays, type StatutoryHoliday, type StatutoryHolidayOptions } from './holidays';
import {
  OFFICIAL_SCHEDULES,
  formatScheduleSource,
  parseOfficialSchedule,
  type OfficialSchedule,
  type ScheduleDay,
  type ScheduleSource,
} from './schedule';

export type DayKind =
  /** Monday–Friday, no holiday. */
  | 'working_day'
  /** Saturday or Sunday. */
  | 'weekend'
  /** Statutory holiday computed from the Labour Code (year without an official schedule). */
  | 'public_holiday'
  /** Compensatory day off for a statutory holiday on a weekend (computed, Art. 111(3)). */
  | 'compensatory_day_off'
  /** Day off listed in the year's official schedule. */
  | 'official_day_off'
  /** Saturday/Sunday worked per the official schedule ("ngày làm bù"). */
  | 'makeup_working_day';

export interface DayInfo {
  readonly date: string;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
  readonly working: boolean;
  readonly kind: DayKind;
  /** Human-readable reason (why it is or is not a working day). */
  readonly reason: string;
  /** True when the year has no official schedule and the answer comes from the computed statutory holidays. */
  readonly provisional: boolean;
  /** The statutory holiday (provisional years only). */
  readonly holiday?: Readonly<StatutoryHoliday>;
  /**
   * The official document (official_day_off / makeup_working_day): the entry's own source
   * ("Thông báo 9441/TB-BNV (Bộ Nội vụ, 2025-10-16)") when it names one, else the schedule's.
   */
  readonly source?: string;
  /** The entry's source in full (document, issuer, date, pages), when the schedule gives one. */
  readonly sourceDetail?: Readonly<ScheduleSource>;
}

export type WorkingDayCalendarOptions = StatutoryHolidayOptions;

interface YearData {
  readonly year: number;
  readonly first: number;
  readonly last: number;
  readonly working: Uint8Array;
  readonly infos: readonly DayInfo[];
  readonly provisional: boolean;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const v of Object.values(value)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(value);
}

const WEEKEND_REASON = ['Sunday (weekly rest day)', '', '', '', '', '', 'Saturday (weekly rest day)'];

export class WorkingDayCalendar {
  private readonly byYear = new Map<number, OfficialSchedule>();
  private readonly cache = new Map<number, YearData>();
  private hot: YearData | undefined;
  readonly options: Readonly<WorkingDayCalendarOptions>;

  /**
   * @param schedules official schedules (validated again here). When two cover the
   *   same year, the higher `version` wins (ties: the later one). Defaults to the
   *   schedules shipped with the package (2025, 2026); pass [] for statutory rules only.
   */
  constructor(schedules: readonly OfficialSchedule[] = OFFICIAL_SCHEDULES, options: WorkingDayCalendarOptions = {}) {
    this.options = Object.freeze({ ...options });
    for (const raw of schedules) {
      const s = parseOfficialSchedule(raw);
      const existing = this.byYear.get(s.year);
      if (!existing || s.version >= existing.version) this.byYear.set(s.year, s);
    }
  }

  /** A new calendar with these schedules added (replacing lower or equal versions of the same year). */
  withSchedules(...schedules: OfficialSchedule[]): WorkingDayCalendar {
    return new WorkingDayCalendar([...this.byYear.values(), ...schedules], this.options);
  }

  /** The official schedule in force for the year, if any. */
  scheduleFor(year: number): OfficialSchedule | undefined {
    return this.byYear.get(year);
  }

  /** All official schedules, sorted by year. */
  schedules(): OfficialSchedule[] {
    return [...this.byYear.values()].sort((a, b) => a.year - b.year);
  }

  /** True when the year has no official schedule (days come from computed statutory holidays). */
  isProvisionalYear(year: number): boolean {
    return !this.byYear.has(year);
  }

  isWorkingDay(date: string): boolean {
    return this.isWorkingEpochDay(epochDayFromIso(date));
  }

  describeDay(date: string): DayInfo {
    return this.dayInfoAt(epochDayFromIso(date));
  }

  /** The date of the n-th working day strictly after `date` (n ≥ 1), or `date` itself for n = 0. */
  addWorkingDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new CalendarError('INVALID_POLICY', `working-day count must be a non-negative integer: ${n}`);
    let d = epochDayFromIso(date);
    let count = 0;
    while (count < n) {
      d++;
      if (this.isWorkingEpochDay(d)) count++;
    }
    return isoFromEpochDay(d);
  }

  /** The first working day on or after `date`. */
  nextWorkingDayOnOrAfter(date: string): string {
    let d = epochDayFromIso(date);
    while (!this.isWorkingEpochDay(d)) d++;
    return isoFromEpochDay(d);
  }

  /** Every non-working day in [from, to] (inclusive). */
  daysOffBetween(from: string, to: string): DayInfo[] {
    const out: DayInfo[] = [];
    for (let d = epochDayFromIso(from), end = epochDayFromIso(to); d <= end; d++) {
      const info = this.dayInfoAt(d);
      if (!info.working) out.push(info);
    }
    return out;
  }

  // ---- fast internal API (epoch days), used by deadline computation ----

  /** @internal */
  isWorkingEpochDay(epochDay: number): boolean {
    const y = this.yearData(epochDay);
    return y.working[epochDay - y.first] === 1;
  }

  /** @internal */
  dayInfoAt(epochDay: number): DayInfo {
    const y = this.yearData(epochDay);
    return y.infos[epochDay - y.first]!;
  }

  private yearData(epochDay: number): YearData {
    const hot = this.hot;
    if (hot !== undefined && epochDay >= hot.first && epochDay <= hot.last) return hot;
    const year = ymdFromEpochDay(epochDay).year;
    let data = this.cache.get(year);
    if (data === undefined) {
      data = this.buildYear(year);
      this.cache.set(year, data);
    }
    this.hot = data;
    return data;
  }

  private buildYear(year: number): YearData {
    if (!Number.isInteger(year) || year < MIN_SUPPORTED_YEAR || year > MAX_SUPPORTED_YEAR) {
      throw new CalendarError('YEAR_OUT_OF_RANGE', `year out of the supported range ${MIN_SUPPORTED_YEAR}–${MAX_SUPPORTED_YEAR}: ${year}`);
    }
    const first = epochDayFromYmd(year, 1, 1);
    const last = epochDayFromYmd(year, 12, 31);
    const n = last - first + 1;
    const working = new Uint8Array(n);
    const infos: DayInfo[] = new Array<DayInfo>(n);
    const schedule = this.byYear.get(year);

    if (schedule) {
      const off = new Map(schedule.daysOff.map((d) => [d.date, d] as const));
      const on = new Map(schedule.workingDays.map((d) => [d.date, d] as const));
      const sourceOf = (d: ScheduleDay): Pick<DayInfo, 'source' | 'sourceDetail'> =>
        d.source
          ? { source: formatScheduleSource(d.source), sourceDetail: deepFreeze(structuredClone(d.source)) }
          : { source: schedule.source };
      for (let i = 0; i < n; i++) {
        const date = isoFromEpochDay(first + i);
        const weekday = weekdayOfEpochDay(first + i);
        const offDay = off.get(date);
        const onDay = on.get(date);
        let info: DayInfo;
        if (offDay !== undefined) {
          const src = sourceOf(offDay);
          info = {
            date,
            weekday,
            working: false,
            kind: 'official_day_off',
            reason: `Official day off: ${offDay.reason} (${src.source})`,
            provisional: false,
            ...src,
          };
        } else if (onDay !== undefined) {
          const src = sourceOf(onDay);
          info = {
            date,
            weekday,
            working: true,
            kind: 'makeup_working_day',
            reason: `Make-up working day: ${onDay.reason} (${src.source})`,
            provisional: false,
            ...src,
          };
        } else if (weekday === 0 || weekday === 6) {
          info = { date, weekday, working: false, kind: 'weekend', reason: WEEKEND_REASON[weekday]!, provisional: false };
        } else {
          info = { date, weekday, working: true, kind: 'working_day', reason: 'Working day', provisional: false };
        }
        working[i] = info.working ? 1 : 0;
        infos[i] = Object.freeze(info);
      }
      return { year, first, last, working, infos, provisional: false };
    }

    const suffix = ` [provisional: computed from Labour Code 2019 Art. 111–112, no official schedule for ${year}]`;
    const holidays = new Map<string, StatutoryHoliday>();
    for (const h of statutoryHolidays(year, this.options))
      holidays.set(h.date, Object.freeze({ ...h, name: Object.freeze({ ...h.name }) }));
    for (let i = 0; i < n; i++) {
      const date = isoFromEpochDay(first + i);
      const weekday = weekdayOfEpochDay(first + i);
      const h = holidays.get(date);
      let info: DayInfo;
      if (h !== undefined && h.kind === 'compensatory') {
        info = {
          date,
          weekday,
          working: false,
          kind: 'compensatory_day_off',
          reason: `Compensatory day off: ${h.name.vi} / ${h.name.en}${suffix}`,
          provisional: true,
          holiday: h,
        };
      } else if (h !== undefined) {
        const onWeekend = weekday === 0 || weekday === 6 ? ` (on a ${weekday === 0 ? 'Sunday' : 'Saturday'}, compensated later)` : '';
        info = {
          date,
          weekday,
          working: false,
          kind: 'public_holiday',
          reason: `Public holiday: ${h.name.vi} / ${h.name.en}${onWeekend}${suffix}`,
          provisional: true,
          holiday: h,
        };
      } else if (weekday === 0 || weekday === 6) {
        info = { date, weekday, working: false, kind: 'weekend', reason: WEEKEND_REASON[weekday]!, provisional: true };
      } else {
        info = { date, weekday, working: true, kind: 'working_day', reason: 'Working day', provisional: true };
      }
      working[i] = info.working ? 1 : 0;
      infos[i] = Object.freeze(info);
    }
    return { year, first, last, working, infos, provisional: true };
  }
}

/** A calendar with the official schedules shipped in this package (2025, 2026). */
export function createDefaultCalendar(options: WorkingDayCalendarOptions = {}): WorkingDayCalendar {
  return new WorkingDayCalendar(OFFICIAL_SCHEDULES, options);
}
