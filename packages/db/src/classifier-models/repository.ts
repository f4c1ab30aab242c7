import { isDuplicateKeyError } from '../connection';
import { classifierModelSchema, type ClassifierModelDocument } from './schema';
import { repositoryOf } from '../repository';

export class ClassifierModelRepository extends repositoryOf<ClassifierModelDocument>('ClassifierModel', classifierModelSchema) {
  /** Stores the next version; concurrent retrains both land, one version apart. */
  async add(entry: Omit<ClassifierModelDocument, 'version'>): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const version = ((await this.latestVersion()) ?? 0) + 1;
      try {
        await this.model.create({ ...entry, version });
        return version;
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt >= 5) throw err;
      }
    }
  }

  /** Cheap check used by every process to see whether a newer model exists. */
  async latestVersion(): Promise<number | undefined> {
    const doc = await this.model.findOne({}, { version: 1 }).sort({ version: -1 }).lean().exec();
    return doc?.version;
  }

  async latest(): Promise<ClassifierModelDocument | null> {
    return this.model.findOne({}).sort({ version: -1 }).lean().exec();
  }
}
