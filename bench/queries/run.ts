/**
 * Case-query benchmark (`npm run bench:queries`): loads N synthetic cases (default 10,000 then
 * 100,000) straight through the driver into a scratch database and times the console's queries
 * through the real CaseRepository: department queue first and next page (cursor), triage,
 * escalated, by channel, my open cases, all cases, a search, a case by number, the reports page
 * (from the daily totals, seeded by the rebuild's fold of the loaded cases). Reports p50/p95 per query and size; prints a JSON summary on the last line.
 *
 *   BENCH_QUERY_SIZES=10000,100000   BENCH_QUERY_RUNS=15   MONGODB_URI=… (default: the local FerretDB)
 *
 * The scratch database (`<db>_bench_queries`) is dropped at the end unless BENCH_KEEP=1.
 */
import { cpus, totalmem } from 'node:os';
import { CHANNELS, DEFAULT_DEPARTMENTS, DEFAULT_ROOT_CAUSES, TRIAGE, type CaseStatus, type Channel } from '@cg/contracts';
import { buildSearchText, caseListKeys, foldForSearch, newCaseDefaults, toCaseIndexRow, type CaseData, type JournalEntry } from '@cg/core';
import { CaseReportBuilder, caseReportFacts, rebuildReportDays, reportFromDays, reportRange, vietnamDay } from '@cg/core';
import { CASE_REPORT_ROW_FIELDS, ReportDayTotals, type CaseLock, type CaseReportRow } from '@cg/core';
import { decodeCaseListCursor, openDatabase, type CaseListFilter, type CaseListSort, type Database } from '@cg/db';

/** BENCH_QUERY_ONLY=<regex>: measure only the queries whose names match (e.g. `^reports`). */
const ONLY = process.env.BENCH_QUERY_ONLY ? new RegExp(process.env.BENCH_QUERY_ONLY) : undefined;
const SIZES = (process.env.BENCH_QUERY_SIZES ?? '10000,100000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 15);
const URI = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27018/complaints';
const PAGE = 20;
const DAY = 86_400_000;

/** A small deterministic generator, so two runs load the same cases. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'];
const MIDDLE = ['Văn', 'Thị', 'Hữu', 'Đức', 'Minh', 'Ngọc', 'Thanh', 'Quốc', 'Thu', 'Gia', 'Xuân', 'Hoài'];
const GIVEN = [
  'An',
  'Bình',
  'Bích',
  'Cường',
  'Dũng',
  'Giang',
  'Hà',
  'Hải',
  'Hạnh',
  'Hòa',
  'Hùng',
  'Hương',
  'Khánh',
  'Lan',
  'Linh',
  'Long',
  'Mai',
  'Nam',
  'Nga',
  'Phong',
  'Phúc',
  'Quân',
  'Sơn',
  'Tâm',
  'Thảo',
  'Trang',
  'Tuấn',
  'Vy',
  'Yến',
];
const TOPICS: Record<string, string[]> = {
  domain: [
    'Tên miền {d} đã hết hạn dù tôi đã thanh toán gia hạn',
    'Không trỏ được DNS của tên miền {d} về máy chủ mới',
    'Chuyển nhượng tên miền {d} bị treo quá lâu',
  ],
  hosting: [
    'Website {d} không truy cập được từ sáng nay, lỗi 503',
    'Hosting của {d} chạy rất chậm, trang tải hơn mười giây',
    'Dung lượng hosting báo đầy dù đã xóa bớt tệp',
  ],
  email: [
    'Email công ty tại {d} không nhận được thư từ khách hàng',
    'Thư gửi đi từ {d} bị đánh dấu là thư rác',
    'Không đăng nhập được hộp thư quản trị của {d}',
  ],
  billing: [
    'Hóa đơn tháng này bị tính tiền hai lần cho {d}',
    'Đã chuyển khoản nhưng dịch vụ {d} vẫn bị khóa',
    'Yêu cầu hoàn tiền gói dịch vụ {d} chưa được xử lý',
  ],
  technical: [
    'Chứng chỉ SSL của {d} báo lỗi trên trình duyệt',
    'Máy chủ ảo của {d} khởi động lại liên tục',
    'Không kết nối được SSH vào máy chủ {d}',
  ],
  sales: [
    'Nhân viên kinh doanh hứa khuyến mãi cho {d} nhưng không áp dụng',
    'Muốn nâng cấp gói dịch vụ cho {d} nhưng không ai liên hệ',
    'Báo giá cho {d} khác với giá trên trang web',
  ],
  customer_care: [
    'Gọi tổng đài nhiều lần về {d} nhưng không ai nghe máy',
    'Thái độ nhân viên hỗ trợ khi xử lý {d} chưa tốt',
    'Đã gửi yêu cầu hỗ trợ về {d} một tuần chưa có phản hồi',
  ],
  triage: ['Tôi cần hỗ trợ gấp về dịch vụ {d}', 'Có vấn đề với tài khoản {d} của tôi', 'Dịch vụ {d} không như cam kết'],
};
const FILLER =
  'Kính gửi bộ phận chăm sóc khách hàng. Tôi đã liên hệ nhiều lần qua điện thoại và email nhưng vấn đề vẫn chưa được giải quyết. ' +
  'Việc này ảnh hưởng lớn đến hoạt động kinh doanh của công ty chúng tôi. Đề nghị quý công ty kiểm tra và phản hồi sớm. Xin cảm ơn.';
const OPEN: CaseStatus[] = ['routed', 'in_progress', 'resolution_reported', 'answer_pending_approval', 'answer_ready', 'reopened'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** One synthetic case of a year of intake: recent cases mostly open, older ones mostly closed. */
function syntheticCase(i: number, r: () => number, now: number, staffIds: string[]): CaseData {
  const receivedAt = new Date(now - Math.floor(r() * r() * 365 * DAY)); // denser recently
  const ageDays = (now - receivedAt.getTime()) / DAY;
  const triage = r() < 0.06;
  const department = triage ? TRIAGE : pick(r, DEFAULT_DEPARTMENTS);
  const channel: Channel = pick(r, ['hotline', 'hotline', 'email', 'email', 'livechat', 'postal'] as const);
  const status: CaseStatus = triage
    ? 'triage'
    : ageDays > 30
      ? r() < 0.97
        ? 'closed'
        : 'answered'
      : ageDays > 7
        ? r() < 0.7
          ? 'closed'
          : pick(r, [...OPEN, 'answered'])
        : pick(r, OPEN);
  const name = `${pick(r, FAMILY)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`;
  const domainName = `${foldForSearch(name).replace(/ /g, '')}${i % 97}.vn`;
  const body = `${pick(r, TOPICS[department]!).replace('{d}', domainName)}. ${FILLER.slice(0, 100 + Math.floor(r() * 250))}`;
  const dueAt = new Date(receivedAt.getTime() + 7 * DAY);
  const owned = status !== 'triage' && status !== 'routed';
  const journalSize = status === 'closed' ? 8 + Math.floor(r() * 5) : 3 + Math.floor(r() * 4);
  const journal: JournalEntry[] = Array.from({ length: journalSize }, (_, j) => ({
    id: `j${i}-${j}`,
    at: new Date(receivedAt.getTime() + j * 3600_000),
    type: ['received', 'classified', 'routed', 'claimed', 'note', 'reported', 'drafted', 'delivered', 'closed'][j % 9]!,
    actor: j < 3 ? { kind: 'system' } : { kind: 'staff', id: pick(r, staffIds), name: 'Nhân viên', role: 'department_staff' },
    message: `Bước ${j + 1}: ${FILLER.slice(0, 60 + Math.floor(r() * 80))}`,
  }));
  const doc: CaseData = {
    caseNumber: `KN${String(26 - Math.floor(ageDays / 365))}-${String(i + 1).padStart(6, '0')}`,
    channel,
    idempotencyKey: `bench-${i}`,
    status,
    department,
    priority: r() < 0.1 ? 'high' : 'normal',
    customer: { name, phone: `09${String(Math.floor(r() * 1e8)).padStart(8, '0')}`, email: `${domainName.split('.')[0]}@example.vn` },
    subject: body.slice(0, 60),
    bodyText: body,
    attachments: [],
    receivedAt,
    rawRef: `bench:${i}`,
    resolvedOnContact: false,
    classification: {
      department,
      bestGuess: department,
      confidence: 0.5 + r() / 2,
      abstained: triage,
      method: 'model',
      evidence: ['tên miền', 'hết hạn'],
      classifiedAt: receivedAt,
    },
    deadlines: {
      target: { dueAt, dueDate: dueAt.toISOString().slice(0, 10), workingDays: 5 },
      cap: { dueAt: new Date(dueAt.getTime() + 21 * DAY), dueDate: '', length: 20, unit: 'working_days' },
      policy: { targetWorkingDays: 5, capLength: 20, capUnit: 'working_days' },
      explanation: {
        receivedLocal: receivedAt.toISOString(),
        countingStartsOn: dueAt.toISOString().slice(0, 10),
        skipped: [{ date: '2026-04-25', kind: 'weekend', reason: 'Thứ bảy', provisional: false }],
        makeupWorkingDays: [],
        provisional: false,
        notes: [],
      },
      extensions: [],
    } as unknown as CaseData['deadlines'],
    searchText: buildSearchText([name, body, domainName]),
    journal,
    ...newCaseDefaults(),
    escalated: status !== 'closed' && status !== 'answered' && r() < 0.08,
    owner: owned ? { id: pick(r, staffIds), name: 'Nhân viên', role: 'department_staff' } : null,
    ...(status === 'closed' ? { closedAt: new Date(receivedAt.getTime() + 5 * DAY) } : {}),
  };
  return { ...doc, ...caseListKeys(doc), ...syntheticAnswer(i, doc) };
}

/**
 * What the reports read of an answered or closed case: the first answer (2 hours to 12 days after
 * receipt), the root cause of a closed one, a survey on a third of the closed ones; and the facts
 * derived from them as the lifecycle stores them. Its own generator: the cases stay the same.
 */
function syntheticAnswer(i: number, doc: CaseData): Partial<CaseData> {
  if (doc.status !== 'answered' && doc.status !== 'closed') return caseReportFacts(doc);
  const r = rng(0x5eed ^ i);
  const answeredAt = new Date(new Date(doc.receivedAt).getTime() + 2 * 3600_000 + Math.floor(r() * r() * 12 * DAY));
  const closed = doc.status === 'closed';
  const extra: Partial<CaseData> = {
    answeredAt,
    ...(closed
      ? {
          closedAt: new Date(answeredAt.getTime() + DAY),
          rootCause: {
            category: pick(r, DEFAULT_ROOT_CAUSES),
            lessonLearned: '-',
            customerAccepted: true,
            by: { id: 's', name: 'S' },
            at: answeredAt,
          },
          surveys: r() < 0.33 ? [{ rating: 1 + Math.floor(r() * 5), at: answeredAt, afterReopen: 0 }] : [],
        }
      : {}),
  };
  return { ...extra, ...caseReportFacts({ ...doc, ...extra }) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** A query whose warm-up takes longer than this is measured once: repeating it would take hours at 100,000 cases. */
const SLOW_MS = Number(process.env.BENCH_QUERY_SLOW_MS ?? 10_000);

async function timed(runs: number, work: () => Promise<unknown>): Promise<{ p50: number; p95: number; runs: number }> {
  const warm = performance.now();
  await work(); // warm-up
  const warmMs = performance.now() - warm;
  if (warmMs > SLOW_MS) return { p50: Math.round(warmMs), p95: Math.round(warmMs), runs: 1 };
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: Math.round(percentile(ms, 50)), p95: Math.round(percentile(ms, 95)), runs };
}

/** A load resumed after a partial batch meets the rows it wrote already. */
function ignoreDuplicates(err: unknown): void {
  if ((err as { code?: number }).code !== 11000) throw err;
}

/** The day leases of a scratch database this process alone writes (the lifecycle uses Redis leases). */
const localLock: CaseLock = { acquire: () => Promise.resolve({ isHeld: () => true, release: () => Promise.resolve() }) };

/** The report facts of a case (what the daily totals fold), as the repository's projection reads them. */
const reportRow = (doc: CaseData): CaseReportRow =>
  Object.fromEntries(CASE_REPORT_ROW_FIELDS.map((f) => [f, doc[f]]).filter(([, v]) => v !== undefined)) as CaseReportRow;

async function load(db: Database, size: number, staffIds: string[]): Promise<void> {
  const collection = db.connection.collection('cases');
  const r = rng(size);
  const now = Date.now();
  const started = performance.now();
  const batch = 1000;
  const rows: CaseReportRow[] = [];
  let loaded = 0;
  for (let from = 0; from < size; from += batch) {
    const docs = [];
    for (let i = from; i < Math.min(size, from + batch); i++) {
      const doc = syntheticCase(i, r, now, staffIds);
      rows.push(reportRow(doc));
      docs.push({ ...doc, createdAt: doc.receivedAt, updatedAt: doc.receivedAt });
    }
    // A batch stored before (BENCH_KEEP=1) is found by its last case number: counting the
    // collection would make FerretDB decode every case.
    const lastOf = docs[docs.length - 1]!.caseNumber;
    if (!(await db.cases.findByCaseNumber(lastOf))) {
      await collection.insertMany(docs, { ordered: false }).catch(ignoreDuplicates);
      loaded += docs.length;
    }
    // The lists' index (case_index, and case_terms for the search), written through the repository as the intake writes it.
    if (!(await db.cases.index.get(lastOf))) await Promise.all(docs.map((d) => db.cases.index.put(toCaseIndexRow(d), { ifAbsent: true })));
  }
  const s = (performance.now() - started) / 1000;
  console.log(`loaded ${loaded} cases (had ${size - loaded}) and the missing index rows in ${s.toFixed(1)} s`);
  // The reports' daily totals, as `cli reports:rebuild` makes them (its fold, over the cases just generated:
  // reading 100,000 cases back would take FerretDB minutes), written day by day through the repository.
  const t = performance.now();
  const rebuilt = await rebuildReportDays(rows, { store: db.cases.reportDays, lock: localLock });
  const days = await db.cases.reportDays.findDays(await db.cases.reportDays.storedDays());
  const sizes = days.map((d) => JSON.stringify(d.sums).length).sort((a, b) => a - b);
  console.log(
    `report totals: ${rebuilt.days} days of ${rebuilt.cases} cases written in ${((performance.now() - t) / 1000).toFixed(1)} s; ` +
      `a day's sums ${sizes[0]}–${sizes[sizes.length - 1]} bytes of JSON (median ${sizes[sizes.length >> 1]})`,
  );
}

async function benchSize(baseUri: string, size: number): Promise<Record<string, { p50: number; p95: number; runs: number }>> {
  const url = new URL(baseUri);
  url.pathname = `/${url.pathname.slice(1) || 'complaints'}_bench_q${size}`;
  const db = await openDatabase(url.toString(), { autoIndex: true });
  const staffIds = Array.from({ length: 40 }, (_, i) => `staff-${i}`);
  try {
    await db.connection.syncIndexes();
    await load(db, size, staffIds);
    const cases = db.cases;
    const list = (filter: CaseListFilter, sort: CaseListSort = 'received') => cases.list(filter, { limit: PAGE, sort });
    const next = (filter: CaseListFilter, sort: CaseListSort, after: string | null) => {
      const cursor = after ? decodeCaseListCursor(after) : null;
      return cases.list(filter, { limit: PAGE, sort, ...(cursor ? { cursor } : {}) });
    };
    const someCase = await cases.list({ department: TRIAGE }, { limit: 1 });
    const caseNumber = someCase.items[0]!.caseNumber;
    const results: Record<string, { p50: number; p95: number; runs: number }> = {};
    let last: unknown;
    const measure = async (name: string, work: () => Promise<unknown>) => {
      if (ONLY && !ONLY.test(name)) return;
      results[name] = await timed(RUNS, async () => (last = await work()));
      const r = results[name];
      console.log(
        `  ${size.toLocaleString('en')} cases  ${name.padEnd(50)} p50 ${String(r.p50).padStart(6)} ms   p95 ${String(r.p95).padStart(6)} ms${r.runs === 1 ? '  (slow: measured once)' : ''}`,
      );
    };
    const lastCursor = () => (last as { nextCursor: string | null } | undefined)?.nextCursor ?? null; // undefined: skipped (BENCH_QUERY_ONLY)
    const queue: CaseListFilter = { department: 'hosting', status: 'routed' };
    await measure('case by number', () => cases.findByCaseNumber(caseNumber));
    await measure('department queue (hosting, routed), first page', () => list(queue, 'deadline'));
    const queueCursor = lastCursor();
    await measure('department queue, next page (cursor)', () => next(queue, 'deadline', queueCursor));
    await measure('department unclaimed (owner=none), by deadline', () => list({ department: 'hosting', ownerId: null }, 'deadline'));
    await measure('my open cases (owner=me), by deadline', () => list({ ownerId: 'staff-7' }, 'deadline'));
    await measure('department staff view (hosting + collaborations)', () => list({ visibleToDepartment: 'hosting' }));
    await measure('closed cases of a department, newest first', () => list({ department: 'billing', status: 'closed' }));
    await measure('triage', () => list({ department: TRIAGE }));
    await measure('escalated', () => list({ escalated: true }));
    await measure('department queue with count=true', () => cases.list(queue, { limit: PAGE, sort: 'deadline', count: true }));
    await measure('search "tran thi bich"', () => list({ q: foldForSearch('Trần Thị Bích') }));
    await measure('search "hoan tien"', () => list({ q: 'hoan tien' }));
    await measure('search by case number (q)', () => list({ q: caseNumber }));
    await measure('by channel (email), first page', () => list({ channel: 'email' }));
    const channelCursor = lastCursor();
    await measure('by channel (email), next page (cursor)', () => next({ channel: 'email' }, 'received', channelCursor));
    await measure('all cases, first page', () => list({}));
    const allCursor = lastCursor();
    await measure('all cases, next page (cursor)', () => next({}, 'received', allCursor));
    // The reports page (GET /api/v1/reports): every table, from the days' totals the CaseLifecycle keeps.
    const lastDays = (days: number) => reportRange(vietnamDay(new Date(Date.now() - (days - 1) * DAY)), vietnamDay(new Date()));
    await measure('reports page: every table, last 30 days', () => reportFromDays(cases.reportDays, lastDays(30), new Date()));
    await measure('reports page: every table, 1 year (366 days)', () => reportFromDays(cases.reportDays, lastDays(366), new Date()));
    // What a case write adds: its change to its day's totals (read, fold, conditional write, read back), here a close and its undoing.
    const open = (await cases.findByCaseNumber(caseNumber))!;
    const closed = { ...open, status: 'closed', rootCauseCategory: 'billing_error' } as CaseData;
    const totals = new ReportDayTotals(cases.reportDays, localLock);
    await measure('reports: daily totals, two case changes (close, undo)', async () => {
      await totals.record(open, closed);
      await totals.record(closed, open);
    });
    // Before the daily totals (for comparison; not matched by '^reports'): the page from the cases' rows, read week by week.
    const fromRows = async (days: number) => {
      const range = lastDays(days);
      const builder = new CaseReportBuilder(range, new Date());
      for await (const row of cases.reportRows(range.weeks)) builder.add(row);
      return builder.build();
    };
    await measure('case rows: reports page, last 30 days', () => fromRows(30));
    await measure('case rows: reports page, 1 year (366 days)', () => fromRows(366));
    await measure('case rows: volumes by channel/department/week, 1 year', () =>
      cases.volumes(new Date(Date.now() - 366 * DAY), new Date()),
    );
    return results;
  } finally {
    if (process.env.BENCH_KEEP !== '1') await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
  }
}

async function main(): Promise<void> {
  const started = new Date();
  console.log(
    `bench:queries on ${URI.replace(/\/\/[^@/]*@/, '//…@')} — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB, ${started.toISOString()}`,
  );
  console.log(`channels ${CHANNELS.join(', ')}; ${RUNS} runs per query after one warm-up`);
  const summary: Record<string, Record<string, { p50: number; p95: number; runs: number }>> = {};
  for (const size of SIZES) summary[size] = await benchSize(URI, size);
  console.log(JSON.stringify({ uri: URI.replace(/\/\/[^@/]*@/, '//…@'), at: started.toISOString(), runs: RUNS, results: summary }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
