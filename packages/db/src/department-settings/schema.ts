import { Schema, type InferSchemaType } from 'mongoose';

/** One department's settings, saved by an admin (a department without a row has DEFAULT_DEPARTMENT_SETTINGS). */
export const departmentSettingsSchema = new Schema(
  {
    department: { type: String, required: true },
    /** Automatic fair assignment of new cases in the department queue. */
    autoAssign: { type: Boolean, required: true },
    /** At most this many open cases per member of staff before they are passed over. */
    assignCap: { type: Number, required: true },
    updatedBy: String,
    /** Write version and the id of the write that made it (written under a lease; see @cg/core updateSerialised). */
    version: { type: Number, default: 0 },
    writeId: String,
  },
  { timestamps: true, collection: 'department_settings' },
);

// settingsOf(department) and the upsert's guard: one row per department.
departmentSettingsSchema.index({ department: 1 }, { unique: true });

export type DepartmentSettingsDocument = InferSchemaType<typeof departmentSettingsSchema>;
