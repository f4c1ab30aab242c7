import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A retrained classifier model. The model is kept as a JSON string: its feature keys may hold
 * '.' or '$', which MongoDB field names (and FerretDB) do not allow.
 */
export const classifierModelSchema = new Schema(
  {
    version: { type: Number, required: true },
    modelJson: { type: String, required: true },
    trainedAt: { type: Date, required: true },
    trainedBy: { type: String, required: true },
    corpusExamples: { type: Number, required: true },
    correctionExamples: { type: Number, required: true },
  },
  { collection: 'classifier_models' },
);

// The newest version is the model in force.
classifierModelSchema.index({ version: -1 }, { unique: true });

export type ClassifierModelDocument = InferSchemaType<typeof classifierModelSchema>;
