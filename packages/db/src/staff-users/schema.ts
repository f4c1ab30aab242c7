import { Schema, type InferSchemaType } from 'mongoose';
import { STAFF_ROLES } from '@cg/contracts';

export const staffUserSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    displayName: { type: String, required: true },
    /** argon2id hash; never returned by the API. */
    passwordHash: { type: String, required: true },
    role: { type: String, enum: STAFF_ROLES, required: true },
    /** Set for department_staff: the department whose queue they work. */
    department: String,
    /** Printed under the name on signed letters ("Trưởng phòng Chăm sóc khách hàng"); a default by role when unset. */
    title: String,
    active: { type: Boolean, default: true },
    lastLoginAt: Date,
    /** Bumped when earlier tokens must stop working (disabled, role or department changed, password reset). */
    tokenVersion: { type: Number, default: 0 },
    /** Write version and the id of the write that made it (StaffAccounts writes under a lease; see updateSerialised). */
    version: { type: Number, default: 0 },
    writeId: String,
  },
  { timestamps: true, collection: 'staff_users' },
);

// Sign-in by e-mail; one account per address.
staffUserSchema.index({ email: 1 }, { unique: true });

export type StaffUserDocument = InferSchemaType<typeof staffUserSchema>;
