import { randomBytes } from 'node:crypto';
import { DEFAULT_DEPARTMENTS, DEPARTMENT_CODE_PATTERN, STAFF_ROLES, type StaffRole } from '@cg/contracts';
import { hashPassword, PASSWORD_MIN_LENGTH, StaffAccounts, type StaffAccount } from '@cg/core';
import type { Database } from '@cg/db';
import { RedisCaseLock, type RedisClient } from '@cg/queue';

export class UsageError extends Error {
  readonly code = 'USAGE';
}

export interface AddStaffUserInput {
  email: string;
  password: string;
  role: string;
  department?: string;
  name?: string;
  /** Printed under the name on signed letters, e.g. "Trưởng phòng Chăm sóc khách hàng". */
  title?: string;
}

/** Validates and creates one staff account; the message names the bad option. */
export async function addStaffUser(db: Database, input: AddStaffUserInput) {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.email)) throw new UsageError(`--email: "${input.email}" is not an e-mail address`);
  if (input.password.length < PASSWORD_MIN_LENGTH) throw new UsageError(`--password: at least ${PASSWORD_MIN_LENGTH} characters`);
  if (!STAFF_ROLES.includes(input.role as StaffRole)) throw new UsageError(`--role: one of ${STAFF_ROLES.join(', ')}`);
  const role = input.role as StaffRole;
  if (role === 'department_staff' && !input.department) throw new UsageError('--department: required for department_staff');
  if (input.department && role !== 'department_staff') throw new UsageError('--department: only for department_staff');
  if (input.department && !DEPARTMENT_CODE_PATTERN.test(input.department))
    throw new UsageError(`--department: a code such as ${DEFAULT_DEPARTMENTS.join(', ')}`);
  return db.staffUsers.create({
    email: input.email.toLowerCase(),
    displayName: input.name ?? input.email.split('@')[0]!,
    passwordHash: await hashPassword(input.password),
    role,
    ...(input.department ? { department: input.department } : {}),
    ...(input.title?.trim() ? { title: input.title.trim() } : {}),
  });
}

export interface DemoAccount {
  email: string;
  password: string;
  role: StaffRole;
  department?: string;
}

/**
 * On an empty database outside production: one account per role, with random passwords,
 * returned so `npm start` can print them. Returns [] when any account exists already.
 */
export async function seedDemoAccounts(db: Database, nodeEnv: string): Promise<DemoAccount[]> {
  if (nodeEnv === 'production') throw new UsageError('demo accounts are never created when NODE_ENV=production');
  if ((await db.staffUsers.count()) > 0) return [];
  const accounts: DemoAccount[] = STAFF_ROLES.map((role) => ({
    email: `${role.replace(/_/g, '.')}@demo.local`,
    password: `demo-${randomBytes(6).toString('hex')}`,
    role,
    ...(role === 'department_staff' ? { department: 'domain' } : {}),
  }));
  for (const a of accounts) {
    await addStaffUser(db, { ...a, name: `Demo ${a.role.replace(/_/g, ' ')}` });
  }
  return accounts;
}

/**
 * Disables (or enables) an account through StaffAccounts, the one writer of accounts: under the
 * account's lease, bumping its token version, so every token it holds stops working (at once on
 * the gateway, after at most the gateways' few-second account cache) and its sockets are dropped
 * on their next event.
 */
export async function setStaffUserActive(
  db: Database,
  redis: RedisClient,
  queuePrefix: string,
  email: string,
  active: boolean,
): Promise<StaffAccount> {
  const accounts = new StaffAccounts({
    store: db.staffUsers,
    lock: new RedisCaseLock(redis, { prefix: `${queuePrefix}:admin` }),
    departments: () => DEFAULT_DEPARTMENTS,
  });
  const account = await db.staffUsers.findAccountByEmail(email);
  if (!account) throw new UsageError(`--email: no staff account ${email}`);
  return active ? accounts.setActive(account.id, true) : accounts.disableByEmail(email);
}
