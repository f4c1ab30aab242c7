import type { OfficialSchedule, ScheduleSource } from '@cg/calendar';
import { isDuplicateKeyError } from '../connection';
import { calendarScheduleSchema, type CalendarScheduleDocument } from './schema';
import { repositoryOf } from '../repository';

/** A loaded schedule and who loaded it (the calendar itself takes only `schedule`). */
export interface StoredSchedule {
  schedule: OfficialSchedule;
  loadedBy: string;
  loadedAt: Date;
}

export class CalendarScheduleRepository extends repositoryOf<CalendarScheduleDocument>('CalendarSchedule', calendarScheduleSchema) {
  /**
   * Stores a schedule as the next version of its year (above `minVersion`, e.g. the shipped
   * one). Two admins loading at once both succeed, one version apart (the unique index decides).
   */
  async addVersion(schedule: Omit<OfficialSchedule, 'version'>, loadedBy: string, minVersion = 0): Promise<StoredSchedule> {
    for (let attempt = 0; ; attempt++) {
      const latest = await this.model.findOne({ year: schedule.year }).sort({ version: -1 }).lean().exec();
      const version = Math.max(latest?.version ?? 0, minVersion) + 1;
      try {
        const doc = await this.model.create({ ...schedule, version, loadedBy, loadedAt: new Date() });
        return toSchedule(doc.toObject());
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt >= 5) throw err;
      }
    }
  }

  /** Every stored version (the calendar keeps the newest per year). Small: a few per year. */
  async all(): Promise<StoredSchedule[]> {
    const docs = await this.model.find({}).sort({ year: 1, version: 1 }).lean().exec();
    return docs.map(toSchedule);
  }
}

function toSchedule(d: CalendarScheduleDocument): StoredSchedule {
  return {
    schedule: {
      year: d.year,
      version: d.version,
      source: d.source,
      ...(d.publishedAt ? { publishedAt: d.publishedAt } : {}),
      ...(d.note ? { note: d.note } : {}),
      daysOff: d.daysOff.map(toScheduleDay),
      workingDays: d.workingDays.map(toScheduleDay),
    },
    loadedBy: d.loadedBy,
    loadedAt: d.loadedAt,
  };
}

/** A day as the calendar takes it; the entry's own source travels with it when it has one. */
function toScheduleDay(d: { date: string; reason: string; source?: unknown }): OfficialSchedule['daysOff'][number] {
  return { date: d.date, reason: d.reason, ...(d.source ? { source: d.source as ScheduleSource } : {}) };
}
