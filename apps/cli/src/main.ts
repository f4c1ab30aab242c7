import { Command, CommanderError } from 'commander';
import { autoIndexEnabled, commonEnvSchema, parseEnv } from '@cg/config';
import { openDatabase, StaffUserExistsError, type Database } from '@cg/db';
import { createRedisConnection } from '@cg/queue';
import { deadlineCommand, loadSchedule } from './commands/calendar';
import { classifyCommand, evaluateCommand, retrainCommand, trainCommand } from './commands/classifier';
import { redriveDeadLetter } from './commands/dead-letters';
import { addStaffUser, seedDemoAccounts, setStaffUserActive, UsageError, type AddStaffUserInput } from './commands/staff-users';
import { postalOcr } from './commands/postal';
import { reindexCases } from './commands/cases';
import { rebuildReports } from './commands/reports';

/** `npm run cli -- <command>`: administration from a terminal. Exit code 2 = bad usage, 1 = failure. */
async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const env = parseEnv(commonEnvSchema, process.env);
  const db = await openDatabase(env.MONGODB_URI, { autoIndex: autoIndexEnabled(env) });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

const program = new Command('cli').description('Complaint gateway administration').exitOverride();

program
  .command('user:add')
  .description('create a staff account')
  .requiredOption('--email <email>')
  .requiredOption('--password <password>')
  .requiredOption('--role <role>', 'hotline_operator | postal_clerk | cs_agent | department_staff | supervisor | admin')
  .option('--department <code>', 'for department_staff: the department whose queue they work')
  .option('--name <display name>')
  .option('--title <title>', 'printed under the name on letters they sign (default by role)')
  .action(async (opts: AddStaffUserInput) => {
    const user = await withDatabase((db) => addStaffUser(db, opts));
    console.log(JSON.stringify({ created: { id: String(user._id), email: user.email, role: user.role, department: user.department } }));
  });

for (const [command, active] of [
  ['user:disable', false],
  ['user:enable', true],
] as const) {
  program
    .command(command)
    .description(
      active
        ? 'enable a disabled staff account (it signs in again)'
        : 'disable a staff account: its tokens stop working and its sockets are dropped on their next event',
    )
    .requiredOption('--email <email>')
    .action(async (opts: { email: string }) => {
      const env = parseEnv(commonEnvSchema, process.env);
      const redis = createRedisConnection(env.REDIS_URL, 'worker');
      try {
        const user = await withDatabase((db) => setStaffUserActive(db, redis, env.QUEUE_PREFIX, opts.email, active));
        console.log(
          JSON.stringify({ [active ? 'enabled' : 'disabled']: { id: user.id, email: user.email, role: user.role, active: user.active } }),
        );
      } finally {
        redis.disconnect();
      }
    });
}

program
  .command('demo:seed')
  .description('create one demo account per role on an empty database (never in production)')
  .option('--json', 'print the accounts as JSON')
  .action(async (opts: { json?: boolean }) => {
    const env = parseEnv(commonEnvSchema, process.env);
    const accounts = await withDatabase((db) => seedDemoAccounts(db, env.NODE_ENV));
    if (opts.json) return console.log(JSON.stringify(accounts));
    if (accounts.length === 0) return console.log('Staff accounts exist already: no demo accounts created.');
    console.log('Demo staff accounts (sign in with POST /api/v1/auth/login):');
    for (const a of accounts)
      console.log(`  ${a.role.padEnd(17)} ${a.email.padEnd(32)} ${a.password}${a.department ? `  (department ${a.department})` : ''}`);
  });

program
  .command('dead-letters:list')
  .description('jobs that failed their last attempt')
  .option('--all', 'include re-driven ones')
  .action(async (opts: { all?: boolean }) => {
    const rows = await withDatabase(async (db) => [
      ...(await db.deadLetters.list('dead')),
      ...(opts.all ? await db.deadLetters.list('redriven') : []),
    ]);
    for (const r of rows) {
      console.log(
        JSON.stringify({
          id: String(r._id),
          queue: r.queue,
          jobId: r.jobId,
          status: r.status,
          failedAt: r.failedAt,
          attempts: r.attemptsMade,
          error: r.error,
        }),
      );
    }
    if (rows.length === 0) console.error('no dead letters');
  });

program
  .command('dead-letters:redrive')
  .description('send a dead-lettered job back to its queue')
  .requiredOption('--id <id>', 'the id shown by dead-letters:list')
  .action(async (opts: { id: string }) => {
    const env = parseEnv(commonEnvSchema, process.env);
    const redis = createRedisConnection(env.REDIS_URL, 'worker');
    try {
      const jobId = await withDatabase((db) => redriveDeadLetter(db, redis, env.QUEUE_PREFIX, opts.id));
      console.log(JSON.stringify({ redriven: opts.id, jobId }));
    } finally {
      redis.disconnect();
    }
  });

program
  .command('calendar:load')
  .description('load an official yearly schedule (JSON: year, source, daysOff, workingDays) as the next version of its year')
  .requiredOption('--file <schedule.json>')
  .option('--by <name>', 'who loads it (recorded with the version)', process.env.USER ?? 'cli')
  .action(async (opts: { file: string; by: string }) => {
    const stored = await withDatabase((db) => loadSchedule(db, opts.file, opts.by));
    console.log(
      JSON.stringify({ loaded: { year: stored.schedule.year, version: stored.schedule.version, source: stored.schedule.source } }),
    );
  });

program
  .command('calendar:list')
  .description('loaded schedule versions')
  .action(async () => {
    const rows = await withDatabase((db) => db.calendarSchedules.all());
    for (const r of rows)
      console.log(
        JSON.stringify({
          year: r.schedule.year,
          version: r.schedule.version,
          source: r.schedule.source,
          loadedBy: r.loadedBy,
          loadedAt: r.loadedAt,
        }),
      );
    if (rows.length === 0) console.error('no schedules loaded; the shipped ones (2025, 2026) are in force');
  });

program
  .command('postal:ocr')
  .description('read a scanned letter (PDF, JPEG, PNG, TIFF) as the OCR worker would: text and confidence per page, prefilled fields')
  .argument('<file>')
  .option('--langs <languages>', 'tesseract languages (default OCR_LANGUAGES, vie)')
  .option('--json', 'one JSON object')
  .action(async (file: string, opts: { langs?: string; json?: boolean }) => {
    process.exitCode = await postalOcr(file, opts);
  });

program
  .command('cases:reindex')
  .description('give cases stored before them the derived list keys (owner lists, search terms, report week); safe while running')
  .action(async () => {
    const env = parseEnv(commonEnvSchema, process.env);
    const redis = createRedisConnection(env.REDIS_URL, 'worker');
    try {
      const result = await withDatabase((db) => reindexCases(db, redis, env.QUEUE_PREFIX, (line) => console.error(line)));
      console.log(JSON.stringify({ reindexed: result.written, unchanged: result.skipped }));
    } finally {
      redis.disconnect();
    }
  });

program
  .command('reports:rebuild')
  .description("recompute the reports' daily totals from the cases (repairs totals a failed write left off)")
  .action(async () => {
    const env = parseEnv(commonEnvSchema, process.env);
    const redis = createRedisConnection(env.REDIS_URL, 'worker');
    try {
      const result = await withDatabase((db) => rebuildReports(db, redis, env.QUEUE_PREFIX));
      console.log(JSON.stringify({ rebuilt: result }));
    } finally {
      redis.disconnect();
    }
  });

/** Commands with their own argument parsing (they read stdin in --jsonl mode). */
const RAW_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  deadline: deadlineCommand,
  classify: classifyCommand,
  'classify:evaluate': evaluateCommand,
  'classify:train': trainCommand,
  'classify:retrain': retrainCommand,
};

const [name, ...rest] = process.argv.slice(2);
const raw = name ? RAW_COMMANDS[name] : undefined;
const done = raw ? raw(rest).then((code) => process.exit(code)) : program.parseAsync(process.argv);

done.catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof UsageError || err instanceof StaffUserExistsError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
