import { DEFAULT_DEPARTMENT_SETTINGS, type DepartmentSettings } from '@cg/contracts';
import type { VersionedRecord } from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { repositoryOf } from '../repository';
import { departmentSettingsSchema, type DepartmentSettingsDocument } from './schema';

/** A department's settings as stored, or the defaults (version 0) when no admin saved any. */
export interface StoredDepartmentSettings extends DepartmentSettings, VersionedRecord {
  department: string;
  configured: boolean;
  updatedBy?: string;
  updatedAt?: Date;
}

type Row = DepartmentSettingsDocument & { updatedAt?: Date };

function toSettings(department: string, r: Row | null): StoredDepartmentSettings {
  if (!r) return { department, ...DEFAULT_DEPARTMENT_SETTINGS, configured: false, version: 0 };
  return {
    department,
    autoAssign: r.autoAssign,
    assignCap: r.assignCap,
    configured: true,
    version: r.version ?? 0,
    ...(r.writeId ? { writeId: r.writeId } : {}),
    ...(r.updatedBy ? { updatedBy: r.updatedBy } : {}),
    ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
  };
}

/**
 * Per-department settings (automatic fair assignment on/off, cap of open cases per person).
 * Read them with `settingsOf(department)`; admins change them through the gateway's admin routes,
 * one writer at a time per department (lease + version, `writeIfVersion`).
 */
export class DepartmentSettingsRepository extends repositoryOf<DepartmentSettingsDocument>('DepartmentSettings', departmentSettingsSchema) {
  /** The department's settings (the defaults when none were saved). */
  async settingsOf(department: string): Promise<DepartmentSettings> {
    const { autoAssign, assignCap } = await this.find(department);
    return { autoAssign, assignCap };
  }

  async find(department: string): Promise<StoredDepartmentSettings> {
    return toSettings(department, await this.model.findOne({ department }).lean<Row>().exec());
  }

  /** The saved settings by department (departments without a row have the defaults; read through CachedDepartmentSettings). */
  async saved(): Promise<Map<string, DepartmentSettings>> {
    const rows = await this.model.find({}).lean<Row[]>().exec();
    return new Map(rows.map((r) => [r.department, { autoAssign: r.autoAssign, assignCap: r.assignCap }]));
  }

  /** The settings of each of these departments, in their order (one query: the collection holds a row per department). */
  async forDepartments(departments: readonly string[]): Promise<StoredDepartmentSettings[]> {
    const rows = await this.model.find({}).lean<Row[]>().exec();
    const byCode = new Map(rows.map((r) => [r.department, r]));
    return departments.map((d) => toSettings(d, byCode.get(d) ?? null));
  }

  /**
   * Writes the settings if the stored version is still `expectedVersion` (0: no row yet, or one
   * without a version; the upsert then inserts, and the unique index turns a racing insert into
   * a no-op that the caller's read-back notices).
   */
  async writeIfVersion(
    department: string,
    expectedVersion: number,
    set: DepartmentSettings & VersionedRecord & { updatedBy: string },
  ): Promise<void> {
    const filter =
      expectedVersion === 0
        ? { department, $or: [{ version: 0 }, { version: { $exists: false } }] }
        : { department, version: expectedVersion };
    try {
      await this.model.updateOne(filter, { $set: set }, { upsert: expectedVersion === 0 }).exec();
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
}
