import { readFile } from 'node:fs/promises';
import { createDefaultCalendar, OFFICIAL_SCHEDULES, runDeadlineCommand, safeParseOfficialSchedule, WorkingDayCalendar } from '@cg/calendar';
import { commonEnvSchema, parseEnv } from '@cg/config';
import { openDatabase, type Database } from '@cg/db';
import { UsageError } from './staff-users';

/**
 * The calendar in force: shipped schedules plus those admins loaded into MongoDB. When the
 * database cannot be reached within a second the shipped schedules are used, and stderr says so,
 * so `deadline` works on a machine with no services running.
 */
async function calendarInForce(): Promise<WorkingDayCalendar> {
  const env = parseEnv(commonEnvSchema, process.env);
  let db: Database | undefined;
  try {
    db = await Promise.race([
      openDatabase(env.MONGODB_URI, { autoIndex: false }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500).unref()),
    ]);
    const stored = await db.calendarSchedules.all();
    return new WorkingDayCalendar([...OFFICIAL_SCHEDULES, ...stored.map((s) => s.schedule)]);
  } catch {
    process.stderr.write('note: MongoDB not reachable; using the shipped official schedules only\n');
    return createDefaultCalendar();
  } finally {
    await db?.close().catch(() => undefined);
  }
}

export async function deadlineCommand(argv: string[]): Promise<number> {
  const calendar = argv.includes('--help') ? createDefaultCalendar() : await calendarInForce();
  return runDeadlineCommand(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, calendar);
}

/** `calendar:load --file schedule.json`: stores it as the next version of its year. */
export async function loadSchedule(db: Database, file: string, loadedBy: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--file: cannot read JSON from ${file}: ${(err as Error).message}`);
  }
  const parsed = safeParseOfficialSchedule(typeof raw === 'object' && raw !== null ? { version: 1, ...raw } : raw);
  if (!parsed.ok) throw new UsageError(`--file: invalid schedule:\n  ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('\n  ')}`);
  const { version: _v, ...schedule } = parsed.value;
  const shipped = OFFICIAL_SCHEDULES.find((s) => s.year === schedule.year)?.version ?? 0;
  return db.calendarSchedules.addVersion(schedule, loadedBy, shipped);
}
