import { DEFAULT_ROOT_CAUSE_LABELS, DEFAULT_ROOT_CAUSES } from '@cg/contracts';
import type { VersionedRecord } from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { repositoryOf } from '../repository';
import { rootCauseSchema, type RootCauseDocument } from './schema';

export interface StoredRootCause extends VersionedRecord {
  code: string;
  labelVi: string;
  labelEn: string;
  active: boolean;
  position: number;
  updatedBy?: string;
  updatedAt?: Date;
}

export class RootCauseExistsError extends Error {
  readonly code = 'ROOT_CAUSE_EXISTS';
  constructor(code: string) {
    super(`a root cause with code ${code} already exists`);
  }
}

type Row = RootCauseDocument & { updatedAt?: Date };

function toRootCause(r: Row): StoredRootCause {
  return {
    code: r.code,
    labelVi: r.labelVi,
    labelEn: r.labelEn,
    active: r.active,
    position: r.position,
    version: r.version ?? 0,
    ...(r.writeId ? { writeId: r.writeId } : {}),
    ...(r.updatedBy ? { updatedBy: r.updatedBy } : {}),
    ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
  };
}

/**
 * The root-cause categories cases are closed with: seeded from DEFAULT_ROOT_CAUSES, then
 * managed by admins (add, relabel, retire, bring back). Changes of a category go through the
 * gateway's admin routes under a lease with `writeIfVersion`; nothing is ever deleted, so a
 * closed case's category always has its labels.
 */
export class RootCauseRepository extends repositoryOf<RootCauseDocument>('RootCause', rootCauseSchema) {
  /** Inserts the default categories that are missing (idempotent; the unique code index is the guard). */
  async seedDefaults(): Promise<void> {
    if ((await this.model.countDocuments({}).exec()) > 0) return;
    await Promise.all(
      DEFAULT_ROOT_CAUSES.map((code, position) =>
        this.model
          .create({
            code,
            labelVi: DEFAULT_ROOT_CAUSE_LABELS[code].vi,
            labelEn: DEFAULT_ROOT_CAUSE_LABELS[code].en,
            active: true,
            position,
          })
          .catch((err: unknown) => {
            if (!isDuplicateKeyError(err)) throw err;
          }),
      ),
    );
  }

  /** Every category, active and retired, in display order (a few dozen at most). */
  async all(): Promise<StoredRootCause[]> {
    const rows = await this.model.find({}).lean<Row[]>().exec();
    return rows.map(toRootCause).sort((a, b) => a.position - b.position || a.code.localeCompare(b.code));
  }

  async find(code: string): Promise<StoredRootCause | null> {
    const r = await this.model.findOne({ code }).lean<Row>().exec();
    return r ? toRootCause(r) : null;
  }

  /** Whether cases may be closed with this category now. */
  async isActive(code: string): Promise<boolean> {
    return (await this.find(code))?.active === true;
  }

  /** The codes cases may be closed with now, in display order. */
  async activeCodes(): Promise<string[]> {
    return (await this.all()).filter((c) => c.active).map((c) => c.code);
  }

  async add(c: { code: string; labelVi: string; labelEn: string; updatedBy: string }): Promise<StoredRootCause> {
    const position = (await this.model.countDocuments({}).exec()) + 100;
    try {
      const doc = await this.model.create({ ...c, active: true, position, version: 0 });
      return toRootCause(doc.toObject());
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new RootCauseExistsError(c.code);
      throw err;
    }
  }

  async writeIfVersion(
    code: string,
    expectedVersion: number,
    set: Partial<Pick<StoredRootCause, 'labelVi' | 'labelEn' | 'active'>> & VersionedRecord & { updatedBy: string },
  ): Promise<void> {
    const filter =
      expectedVersion === 0 ? { code, $or: [{ version: 0 }, { version: { $exists: false } }] } : { code, version: expectedVersion };
    await this.model.updateOne(filter, { $set: set }).exec();
  }
}
