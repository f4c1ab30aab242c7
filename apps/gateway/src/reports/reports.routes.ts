import { Router } from 'express';
import { z } from 'zod';
import { REPORT_DEFAULT_DAYS, REPORT_MAX_DAYS, REPORT_TABLES, type CaseReportView } from '@cg/contracts';
import { reportFromDays, reportRange, reportTableRows, vietnamDay, vietnamDayStart, type StaffTokenService } from '@cg/core';
import type { CaseRepository } from '@cg/db';
import { apiDoc } from '../http/api-doc';
import { toCsv } from '../http/csv';
import { HttpProblem, parseRequest } from '../http/problem';
import { requireStaff } from '../http/staff-auth';

const DAY_MS = 86_400_000;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')
  .refine((d) => vietnamDayStart(d) !== null, 'not a calendar day');

/** `from`..`to`, Vietnam days, both included; default the last 30 days to today. */
export const reportQuerySchema = z
  .object({
    from: day.optional(),
    to: day.optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    const from = q.from && vietnamDayStart(q.from);
    const to = q.to && vietnamDayStart(q.to);
    if (from && to && to < from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    if (from && to && (to.getTime() - from.getTime()) / DAY_MS + 1 > REPORT_MAX_DAYS)
      ctx.addIssue({ code: 'custom', path: ['from'], message: `a report covers at most ${REPORT_MAX_DAYS} days` });
  });

const tableParamsSchema = z.object({ table: z.enum(REPORT_TABLES) });

/** The range a query asks for, defaults filled in (today is Vietnam's). */
export function resolveRange(q: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const shift = (d: string, days: number) => vietnamDay(new Date(vietnamDayStart(d)!.getTime() + days * DAY_MS));
  if (q.from && q.to) return { from: q.from, to: q.to };
  if (q.to) return { from: shift(q.to, -(REPORT_DEFAULT_DAYS - 1)), to: q.to };
  const today = vietnamDay(now);
  if (q.from) {
    const last = shift(q.from, REPORT_MAX_DAYS - 1);
    return { from: q.from, to: last < today ? last : today < q.from ? q.from : today };
  }
  return { from: shift(today, -(REPORT_DEFAULT_DAYS - 1)), to: today };
}

/**
 * Reports computed from the daily totals the CaseLifecycle keeps (@cg/core report-days.ts: one
 * small document per day of the range, never the cases themselves). A report is kept for
 * `ttlMs` (one computation serves the page and its CSV downloads; concurrent requests for the
 * same range share one computation): figures are at most that old, and `generatedAt` says so.
 */
export class CaseReports {
  private readonly cache = new Map<string, { at: number; report: Promise<CaseReportView> }>();

  constructor(
    private readonly cases: Pick<CaseRepository, 'reportDays'>,
    private readonly ttlMs = 60_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get(from: string, to: string): Promise<CaseReportView> {
    const key = `${from}..${to}`;
    const now = this.now();
    const hit = this.cache.get(key);
    if (hit && now.getTime() - hit.at < this.ttlMs) return hit.report;
    for (const [k, v] of this.cache) if (now.getTime() - v.at >= this.ttlMs) this.cache.delete(k);
    const report = this.compute(from, to, now);
    this.cache.set(key, { at: now.getTime(), report });
    report.catch(() => this.cache.delete(key));
    return report;
  }

  private compute(from: string, to: string, now: Date): Promise<CaseReportView> {
    return reportFromDays(this.cases.reportDays, reportRange(from, to), now);
  }
}

export function reportRoutes(deps: { reports: CaseReports; tokens: StaffTokenService }): Router {
  const router = Router();
  const canRead = requireStaff(deps.tokens, 'reports:read');

  router.get(
    '/',
    apiDoc({
      summary: 'The reports: volumes, deadlines kept, breaches, time to answer, open cases by age, root causes, satisfaction',
      description:
        'Cases received from `from` to `to` (Vietnam days, both included; default the last 30 days; at most 366 days). ' +
        'Open cases and overdue counts are as of `generatedAt` (a report is reused for up to a minute).',
      query: reportQuerySchema,
    }),
    canRead,
    async (req, res) => {
      const query = parseRequest(reportQuerySchema, req.query, 'query');
      const { from, to } = resolveRange(query, new Date());
      res.json(await deps.reports.get(from, to));
    },
  );

  router.get(
    '/:table.csv',
    apiDoc({
      summary: 'One table of the reports as CSV (UTF-8 with BOM)',
      params: tableParamsSchema,
      query: reportQuerySchema,
      responses: { 200: { description: 'CSV', contentType: 'text/csv' } },
    }),
    canRead,
    async (req, res) => {
      const { table } = parseRequest(tableParamsSchema, req.params, 'params');
      const query = parseRequest(reportQuerySchema, req.query, 'query');
      const { from, to } = resolveRange(query, new Date());
      const rows = reportTableRows(await deps.reports.get(from, to), table);
      if (!rows) throw new HttpProblem(404, 'not_found', 'No such report table', `tables: ${REPORT_TABLES.join(', ')}`);
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="bao-cao-${table}-${from}-${to}.csv"`)
        .send(toCsv(rows));
    },
  );

  return router;
}
