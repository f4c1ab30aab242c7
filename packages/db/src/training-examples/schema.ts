import { Schema, type InferSchemaType } from 'mongoose';

/** A labelled text for the classifier: today, a staff correction of a case's department. */
export const trainingExampleSchema = new Schema(
  {
    text: { type: String, required: true },
    department: { type: String, required: true },
    source: { type: String, enum: ['correction'], required: true },
    caseNumber: { type: String, required: true },
    /** What the classifier had said, for error analysis. */
    predicted: String,
    correctedBy: { type: String, required: true },
    correctedAt: { type: Date, required: true },
  },
  { collection: 'training_examples' },
);

// One example per case: a later correction of the same case replaces the earlier label.
trainingExampleSchema.index({ caseNumber: 1 }, { unique: true });

export type TrainingExampleDocument = InferSchemaType<typeof trainingExampleSchema>;
