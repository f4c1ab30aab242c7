export { CalendarError, DeadlineError, ScheduleValidationError, type CalendarErrorCode, type ScheduleIssue } from './errors';
export {
  VN_TIME_ZONE,
  VN_OFFSET_MS,
  isIsoDate,
  parseInstant,
  vnDateOf,
  vnStartOfDay,
  vnEndOfDay,
  weekdayOfIso,
  formatVnDateTime,
} from './dates';
export {
  VIETNAM_TIME_ZONE_HOURS,
  solarToLunar,
  lunarToSolar,
  lunarMonthLength,
  leapMonthOf,
  tetDate,
  hungKingsDate,
  jdFromDate,
  jdToDate,
  type LunarDate,
  type SolarDate,
} from './lunar';
export {
  MIN_SUPPORTED_YEAR,
  MAX_SUPPORTED_YEAR,
  statutoryHolidays,
  type HolidayKind,
  type HolidayName,
  type StatutoryHoliday,
  type StatutoryHolidayOptions,
} from './holidays';
export {
  OFFICIAL_SCHEDULES,
  formatScheduleSource,
  parseOfficialSchedule,
  safeParseOfficialSchedule,
  type OfficialSchedule,
  type ScheduleDay,
  type ScheduleParseResult,
  type ScheduleSource,
  type SourcePage,
} from './schedule';
export {
  WorkingDayCalendar,
  createDefaultCalendar,
  type DayInfo,
  type DayKind,
  type WorkingDayCalendarOptions,
} from './working-day-calendar';
export {
  DEFAULT_DEADLINE_POLICY,
  MAX_POLICY_LENGTH,
  computeDeadlines,
  extendTarget,
  resolvePolicy,
  startOfLastWorkingDayBefore,
  formatDeadlineExplanation,
  type CapUnit,
  type Deadline,
  type DeadlinePolicy,
  type DeadlineResult,
  type DeadlineExplanation,
  type DeadlineExtension,
  type DeadlineState,
  type ExtensionRequest,
  type TargetDeadline,
  type CapDeadline,
} from './deadlines';
export { runDeadlineCommand, deadlineToJson, DEADLINE_USAGE, type DeadlineCommandIo, type DeadlineJsonRecord } from './cli';
