import { Schema, type InferSchemaType } from 'mongoose';

const scheduleDaySchema = new Schema(
  {
    date: { type: String, required: true },
    reason: { type: String, required: true },
    /** Where the entry comes from (document, issuer, date, pages): validated by @cg/calendar's loader. */
    source: { type: Schema.Types.Mixed },
  },
  { _id: false },
);

/**
 * An official yearly schedule of days off and make-up working days, as loaded by an admin.
 * Every load is a new version; the newest version of a year is in force.
 */
export const calendarScheduleSchema = new Schema(
  {
    year: { type: Number, required: true },
    version: { type: Number, required: true },
    source: { type: String, required: true },
    publishedAt: String,
    note: String,
    daysOff: { type: [scheduleDaySchema], default: [] },
    workingDays: { type: [scheduleDaySchema], default: [] },
    loadedBy: { type: String, required: true },
    loadedAt: { type: Date, required: true },
  },
  { collection: 'calendar_schedules' },
);

// One document per (year, version); also serves "all versions of a year, newest first".
calendarScheduleSchema.index({ year: 1, version: -1 }, { unique: true });

export type CalendarScheduleDocument = InferSchemaType<typeof calendarScheduleSchema>;
