import { Schema, type InferSchemaType } from 'mongoose';

/**
 * Whether a member of department staff takes automatically assigned cases now (they switch it in
 * the console's header). Its own collection rather than a field of `staff_users`: the account has
 * other writers (admins, sign-ins) and FerretDB v1 loses concurrent updates of one document; here
 * the only writer is the staff member themself.
 */
export const staffAvailabilitySchema = new Schema(
  {
    /** The staff account's id. */
    _id: { type: String, required: true },
    email: { type: String, required: true },
    department: { type: String, required: true },
    available: { type: Boolean, required: true },
  },
  { timestamps: true, collection: 'staff_availability' },
);

// The automatic assignment's candidates: the available members of one department (top-level equalities).
staffAvailabilitySchema.index({ department: 1, available: 1 });

export type StaffAvailabilityDocument = InferSchemaType<typeof staffAvailabilitySchema>;
