import { Schema, type InferSchemaType } from 'mongoose';

/** A root-cause category cases are closed with; retired ones (`active: false`) stay for old cases. */
export const rootCauseSchema = new Schema(
  {
    code: { type: String, required: true },
    labelVi: { type: String, required: true },
    labelEn: { type: String, required: true },
    active: { type: Boolean, required: true },
    /** Display order: the seed's order, then the order categories were added in. */
    position: { type: Number, required: true },
    updatedBy: String,
    /** Write version and the id of the write that made it (written under a lease; see @cg/core updateSerialised). */
    version: { type: Number, default: 0 },
    writeId: String,
  },
  { timestamps: true, collection: 'root_causes' },
);

// find(code), and the guard of the seed and of an admin adding a category: one row per code.
rootCauseSchema.index({ code: 1 }, { unique: true });

export type RootCauseDocument = InferSchemaType<typeof rootCauseSchema>;
