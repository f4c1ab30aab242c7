import type { StaffRole } from '@cg/contracts';
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

export class StaffUserRepository extends repositoryOf<StaffUserDocument>('StaffUser', staffUserSchema) {
  async create(user: NewStaffUser): Promise<StaffUserRecord> {
    try {
      const doc = await this.model.create({ ...user, active: true });
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

  async recordLogin(id: unknown, at: Date): Promise<void> {
    await this.model.updateOne({ _id: id }, { $set: { lastLoginAt: at } }).exec();
  }
}
