import type { Connection } from 'mongoose';
import { connectMongo } from './connection';
import { CaseRepository } from './cases';
import { DeadLetterRepository } from './dead-letters';
import { StaffUserRepository } from './staff-users';

/** Every repository of the system of record, on one connection. */
export interface Database {
  connection: Connection;
  cases: CaseRepository;
  staffUsers: StaffUserRepository;
  deadLetters: DeadLetterRepository;
  close(): Promise<void>;
}

export async function openDatabase(uri: string, opts: { autoIndex: boolean }): Promise<Database> {
  const connection = await connectMongo(uri, opts);
  const db: Database = {
    connection,
    cases: new CaseRepository(connection),
    staffUsers: new StaffUserRepository(connection),
    deadLetters: new DeadLetterRepository(connection),
    close: () => connection.close(),
  };
  if (opts.autoIndex) {
    // Build indexes before serving so the unique guards exist before the first write.
    await Promise.all(Object.values(connection.models).map((m) => m.init()));
  }
  return db;
}
