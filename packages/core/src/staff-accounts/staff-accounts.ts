import type { StaffRole } from '@cg/contracts';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/passwords';
import type { CaseLock } from '../case-lifecycle/case-lifecycle';
import { updateSerialised, type VersionedRecord } from '../records/serialised-update';

/** A staff account as the admin screens and the token checks see it (never the password hash). */
export interface StaffAccount extends VersionedRecord {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
  title?: string;
  active: boolean;
  /** Bumped whenever tokens issued before must stop working (see StaffPrincipal.tokenVersion). */
  tokenVersion: number;
  lastLoginAt?: Date;
  createdAt?: Date;
  updatedAt?: Date;
}

/** Fields one write changes; `null` removes the field. */
export interface StaffAccountSet {
  displayName?: string;
  role?: StaffRole;
  department?: string | null;
  title?: string | null;
  active?: boolean;
  tokenVersion?: number;
  passwordHash?: string;
  lastLoginAt?: Date;
}

/** Where accounts live (implemented by packages/db's StaffUserRepository). */
export interface StaffAccountStore {
  insertAccount(a: {
    email: string;
    displayName: string;
    passwordHash: string;
    role: StaffRole;
    department?: string;
    title?: string;
  }): Promise<StaffAccount>;
  findAccount(id: string): Promise<StaffAccount | null>;
  findAccountByEmail(email: string): Promise<StaffAccount | null>;
  listAccounts(): Promise<StaffAccount[]>;
  /** Writes `set` only while the stored version is `expectedVersion` (0 also matches a document without one). */
  writeAccountIfVersion(id: string, expectedVersion: number, set: StaffAccountSet & VersionedRecord): Promise<void>;
}

/** A field an admin must correct (HTTP 400 naming it; CLI exit 2). */
export class StaffAccountInvalid extends Error {
  readonly code = 'STAFF_ACCOUNT_INVALID';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class StaffAccountNotFound extends Error {
  readonly code = 'STAFF_ACCOUNT_NOT_FOUND';
  constructor(what: string) {
    super(`no staff account ${what}`);
  }
}

/** A change refused whatever its fields (an admin locking themselves out). HTTP 409. */
export class StaffAccountRefused extends Error {
  readonly code = 'STAFF_ACCOUNT_REFUSED';
}

export interface NewStaffAccount {
  email: string;
  name: string;
  role: StaffRole;
  department?: string;
  title?: string;
  password: string;
}

export interface StaffAccountChanges {
  name?: string;
  role?: StaffRole;
  /** null: no department. */
  department?: string | null;
  /** null: the default title by role. */
  title?: string | null;
}

export interface StaffAccountsDeps {
  store: StaffAccountStore;
  /** A lease per account (RedisCaseLock under its own prefix). */
  lock: CaseLock;
  /** The departments staff may belong to. */
  departments: () => readonly string[];
  /** Called after every change of an account (drop the local token-status cache: the change may revoke its tokens). */
  onChanged?: (staffId: string) => void;
}

/**
 * The one writer of staff accounts after their creation. Each change runs under the account's
 * lease with a version check (updateSerialised: an admin's change and a sign-in's `lastLoginAt`
 * must not overwrite each other on FerretDB). Disabling or enabling, a new role or department
 * and a password reset bump `tokenVersion`, which ends every token issued before.
 */
export class StaffAccounts {
  constructor(private readonly deps: StaffAccountsDeps) {}

  list(): Promise<StaffAccount[]> {
    return this.deps.store.listAccounts();
  }

  async get(id: string): Promise<StaffAccount> {
    const account = await this.deps.store.findAccount(id);
    if (!account) throw new StaffAccountNotFound(id);
    return account;
  }

  async create(input: NewStaffAccount): Promise<StaffAccount> {
    this.checkPassword(input.password);
    this.checkRoleDepartment(input.role, input.department);
    return this.deps.store.insertAccount({
      email: input.email.trim().toLowerCase(),
      displayName: input.name.trim(),
      passwordHash: await hashPassword(input.password),
      role: input.role,
      ...(input.department ? { department: input.department } : {}),
      ...(input.title?.trim() ? { title: input.title.trim() } : {}),
    });
  }

  /** Name, role, department, title. A new role or department ends the account's tokens. */
  update(id: string, changes: StaffAccountChanges, actorId?: string): Promise<StaffAccount> {
    return this.change(id, (a) => {
      const role = changes.role ?? a.role;
      // Leaving department_staff leaves the department unless one is named (and then refused).
      const department =
        changes.department !== undefined ? changes.department : role === 'department_staff' ? (a.department ?? null) : null;
      this.checkRoleDepartment(role, department ?? undefined);
      if (actorId === id && role !== a.role) throw new StaffAccountRefused('you cannot change your own role');
      const set: StaffAccountSet = {};
      if (changes.name !== undefined && changes.name.trim() !== a.name) set.displayName = changes.name.trim();
      if (changes.title !== undefined && (changes.title?.trim() || undefined) !== a.title) set.title = changes.title?.trim() || null;
      if (role !== a.role) set.role = role;
      if ((department ?? undefined) !== a.department) set.department = department;
      if (set.role !== undefined || set.department !== undefined) set.tokenVersion = a.tokenVersion + 1;
      return Object.keys(set).length ? set : null;
    });
  }

  /** Disable (every token ends at once) or enable an account. */
  setActive(id: string, active: boolean, actorId?: string): Promise<StaffAccount> {
    return this.change(id, (a) => {
      if (!active && actorId === id) throw new StaffAccountRefused('you cannot disable your own account');
      return a.active === active ? null : { active, tokenVersion: a.tokenVersion + 1 };
    });
  }

  async disableByEmail(email: string): Promise<StaffAccount> {
    const account = await this.deps.store.findAccountByEmail(email.trim().toLowerCase());
    if (!account) throw new StaffAccountNotFound(`with e-mail ${email}`);
    return this.setActive(account.id, false);
  }

  /** A new password; the account's earlier tokens end. */
  async resetPassword(id: string, password: string): Promise<StaffAccount> {
    this.checkPassword(password);
    const passwordHash = await hashPassword(password);
    return this.change(id, (a) => ({ passwordHash, tokenVersion: a.tokenVersion + 1 }));
  }

  /** A successful sign-in (under the lease too: a racing admin change must not be written over). */
  async recordLogin(id: string, at: Date): Promise<void> {
    await updateSerialised({
      lock: this.deps.lock,
      key: `staff-user:${id}`,
      read: () => this.deps.store.findAccount(id),
      decide: () => ({ lastLoginAt: at }),
      write: (v, set) => this.deps.store.writeAccountIfVersion(id, v, set),
    });
  }

  private async change(id: string, decide: (a: StaffAccount) => StaffAccountSet | null): Promise<StaffAccount> {
    const { record, changed } = await updateSerialised({
      lock: this.deps.lock,
      key: `staff-user:${id}`,
      read: () => this.deps.store.findAccount(id),
      decide,
      write: (v, set) => this.deps.store.writeAccountIfVersion(id, v, set),
    });
    if (!record) throw new StaffAccountNotFound(id);
    if (changed) this.deps.onChanged?.(id);
    return record;
  }

  private checkPassword(password: string): void {
    if (password.length < PASSWORD_MIN_LENGTH) throw new StaffAccountInvalid('password', `at least ${PASSWORD_MIN_LENGTH} characters`);
    if (password.length > 1024) throw new StaffAccountInvalid('password', 'at most 1024 characters');
  }

  private checkRoleDepartment(role: StaffRole, department: string | undefined): void {
    if (role === 'department_staff' && !department) throw new StaffAccountInvalid('department', 'required for department staff');
    if (department && role !== 'department_staff')
      throw new StaffAccountInvalid('department', 'only department staff belong to a department');
    if (department && !this.deps.departments().includes(department))
      throw new StaffAccountInvalid('department', `one of ${this.deps.departments().join(', ')}`);
  }
}
