import { trainingExampleSchema, type TrainingExampleDocument } from './schema';
import { repositoryOf } from '../repository';

export class TrainingExampleRepository extends repositoryOf<TrainingExampleDocument>('TrainingExample', trainingExampleSchema) {
  /** Stores (or replaces) the case's correction; upsert keyed by the unique case number. */
  async recordCorrection(e: Omit<TrainingExampleDocument, 'source'>): Promise<void> {
    await this.model
      .findOneAndUpdate({ caseNumber: e.caseNumber }, { $set: { ...e, source: 'correction' } }, { upsert: true, returnDocument: 'after' })
      .exec();
  }

  async all(): Promise<Array<{ text: string; department: string }>> {
    const docs = await this.model.find({}).sort({ correctedAt: 1 }).lean().exec();
    return docs.map((d) => ({ text: d.text, department: d.department }));
  }

  count(): Promise<number> {
    return this.model.countDocuments({}).exec();
  }
}
