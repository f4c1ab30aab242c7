import { isValidObjectId } from 'mongoose';
import type { StaffRole } from '@cg/contracts';
import type { StaffAccount, StaffAccountSet, StaffAccountStatus, StaffAccountStore, VersionedRecord } from '@cg/core';
import { isDuplicateKeyError } from '../connection';
import { staffUserSchema, type StaffUserDocument } from './schema';
import { repositoryOf } from '../repository';

export type StaffUserRecord = StaffUserDocument & { _id: { toString(): string }; createdAt: Date };

export interface NewStaffUser {
  email: string;
  displayName: string;
  passwordHash: string;
  role: StaffRole;
  department?: string;
  title?: string;
}

export class StaffUserExistsError extends Error {
  readonly code = 'STAFF_USER_EXISTS';
  constructor(email: string) {
    super(`a staff account with e-mail ${email} already exists`);
  }
}

function toAccount(r: StaffUserRecord & { updatedAt?: Date }): StaffAccount {
  return {
    id: String(r._id),
    email: r.email,
    name: r.displayName,
    role: r.role,
    ...(r.department ? { department: r.department } : {}),
    ...(r.title ? { title: r.title } : {}),
    active: r.active !== false,
    tokenVersion: r.tokenVersion ?? 0,
    version: r.version ?? 0,
    ...(r.writeId ? { writeId: r.writeId } : {}),
    ...(r.lastLoginAt ? { lastLoginAt: r.lastLoginAt } : {}),
    ...(r.createdAt ? { createdAt: r.createdAt } : {}),
    ...(r.updatedAt ? { updatedAt: r.updatedAt } : {}),
  };
}

/**
 * Staff accounts. Creation is here (the unique e-mail index is its guard); every later change
 * goes through @cg/core's StaffAccounts, which calls `writeAccountIfVersion` under the account's lease.
 */
export class StaffUserRepository extends repositoryOf<StaffUserDocument>('StaffUser', staffUserSchema) implements StaffAccountStore {
  async create(user: NewStaffUser): Promise<StaffUserRecord> {
    try {
      const doc = await this.model.create({ ...user, active: true, tokenVersion: 0, version: 0 });
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKeyError(err)) throw new StaffUserExistsError(user.email);
      throw err;
    }
  }

  async findByEmail(email: string): Promise<StaffUserRecord | null> {
    return this.model.findOne({ email: email.trim().toLowerCase() }).lean<StaffUserRecord>().exec();
  }

  async count(): Promise<number> {
    return this.model.countDocuments({}).exec();
  }

  /** A sign-in's time, written directly: only for apps without StaffAccounts (which writes it under the account's lease). */
  async recordLogin(id: unknown, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { lastLoginAt: at } }).exec();
  }

  async insertAccount(user: NewStaffUser): Promise<StaffAccount> {
    return toAccount(await this.create(user));
  }

  async findAccount(id: string): Promise<StaffAccount | null> {
    if (!isValidObjectId(id)) return null;
    const r = await this.model.findOne({ _id: id }).lean<StaffUserRecord>().exec();
    return r ? toAccount(r) : null;
  }

  async findAccountByEmail(email: string): Promise<StaffAccount | null> {
    const r = await this.findByEmail(email);
    return r ? toAccount(r) : null;
  }

  /** Every account, by e-mail (staff are a few hundred at most). */
  async listAccounts(): Promise<StaffAccount[]> {
    const rows = await this.model.find({}).sort({ email: 1 }).lean<StaffUserRecord[]>().exec();
    return rows.map(toAccount);
  }

  /** What a bearer token is checked against on every request (a top-level `_id` equality: one indexed read). */
  async accountStatus(id: string): Promise<StaffAccountStatus | null> {
    if (!isValidObjectId(id)) return null;
    const r = await this.model
      .findOne({ _id: id }, { active: 1, tokenVersion: 1 })
      .lean<{ active?: boolean; tokenVersion?: number }>()
      .exec();
    return r ? { active: r.active !== false, tokenVersion: r.tokenVersion ?? 0 } : null;
  }

  async writeAccountIfVersion(id: string, expectedVersion: number, set: StaffAccountSet & VersionedRecord): Promise<void> {
    const filter =
      expectedVersion === 0 ? { _id: id, $or: [{ version: 0 }, { version: { $exists: false } }] } : { _id: id, version: expectedVersion };
    const toSet: Record<string, unknown> = {};
    const toUnset: Record<string, ''> = {};
    for (const [k, v] of Object.entries(set)) {
      if (v === null) toUnset[k] = '';
      else if (v !== undefined) toSet[k] = v;
    }
    await this.model.updateOne(filter, { $set: toSet, ...(Object.keys(toUnset).length ? { $unset: toUnset } : {}) }).exec();
  }
}
