import { resolve } from 'node:path';
import { Router, type Request } from 'express';
import { z } from 'zod';
import {
  CASE_NUMBER_PATTERN,
  SURVEY_COMMENT_MAX_CHARS,
  SURVEY_RATING_MAX,
  SURVEY_RATING_MIN,
  type SurveyAnswerView,
  type SurveyFormView,
  type SurveyLanguage,
  type SurveyRefusal,
} from '@cg/contracts';
import { TransitionRefused, type CaseLifecycle, type Permission, type StaffTokenService, type SurveyTokenService } from '@cg/core';
import type { CaseRecord, CaseRepository } from '@cg/db';
import { guessLetterLanguage } from '@cg/letters';
import { apiDoc } from '../http/api-doc';
import type { ConsoleSessions } from '../http/console-session';
import { HttpProblem, parseRequest, sendProblem } from '../http/problem';
import { currentStaff, requireStaff } from '../http/staff-auth';
import { pageCsp, revalidate, WEB_APPS_DIR } from '../http/web-apps';
import { staffActor } from '../routes/case-actions.routes';
import { surveyLinkOf } from './survey-invites';

/** The survey's routes and who may call them: the customer's (no sign-in, the link is the key) and staff's. */
export const SURVEY_ROUTES = {
  page: { method: 'GET', path: '/survey/:token', auth: 'public' },
  form: { method: 'GET', path: '/api/v1/surveys/:token', auth: 'public' },
  answer: { method: 'POST', path: '/api/v1/surveys/:token', auth: 'public' },
  link: { method: 'GET', path: '/api/v1/cases/:caseNumber/survey-link', permission: 'cases:read' },
} as const satisfies Record<string, { method: 'GET' | 'POST'; path: string; permission?: Permission; auth?: 'public' }>;

const tokenParams = z.object({ token: z.string().max(4096) });
const caseParams = z.object({ caseNumber: z.string().toUpperCase().regex(CASE_NUMBER_PATTERN, 'a case number such as KN26-00042') });
export const surveyAnswerSchema = z
  .object({
    rating: z.number().int('a whole number').min(SURVEY_RATING_MIN).max(SURVEY_RATING_MAX),
    comment: z.string().trim().max(SURVEY_COMMENT_MAX_CHARS).optional(),
  })
  .strict();

const REFUSALS: Record<SurveyRefusal, { status: number; title: string; detail: string }> = {
  survey_link_invalid: {
    status: 404,
    title: 'Survey link not valid',
    detail: 'this is not a survey link we made (mistyped, cut or altered)',
  },
  survey_link_expired: { status: 410, title: 'Survey link expired', detail: 'the time to answer this survey is over' },
  survey_link_replaced: {
    status: 410,
    title: 'Survey link replaced',
    detail: 'the case was reopened since this link was sent; a new link is sent when it closes again',
  },
  survey_already_answered: { status: 409, title: 'Survey already answered', detail: 'each survey link can be answered once' },
  survey_not_open: { status: 409, title: 'Case open again', detail: 'the case was reopened; a new link is sent when it closes again' },
  survey_staff_refused: {
    status: 403,
    title: 'Staff cannot answer the survey',
    detail: 'this browser carries a staff sign-in; the survey is for customers only',
  },
};

/** A refusal as a problem document that also says the case's language (the page shows its text in it). */
class SurveyProblem extends HttpProblem {
  constructor(
    readonly refusal: SurveyRefusal,
    readonly language?: SurveyLanguage,
  ) {
    const r = REFUSALS[refusal];
    super(r.status, refusal, r.title, r.detail);
  }
}

export interface SurveyRouteDeps {
  surveys: SurveyTokenService;
  cases: Pick<CaseRepository, 'findByCaseNumber'>;
  lifecycle: Pick<CaseLifecycle, 'survey' | 'get'>;
  tokens: StaffTokenService;
  sessions?: ConsoleSessions;
  /** The public base URL links are made with (PUBLIC_URL, or the gateway's own address). */
  publicUrl: () => string;
  /** The built front-ends (apps/console/dist). */
  webAppsDir?: string;
}

/** The survey page in the built front-ends (apps/console src/survey/index.html). */
export const SURVEY_PAGE_FILE = 'survey/index.html';

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

function languageOf(c: Pick<CaseRecord, 'subject' | 'bodyText'>): SurveyLanguage {
  return guessLetterLanguage([c.subject, c.bodyText].filter(Boolean).join('\n'));
}

/**
 * The satisfaction survey (issue 9, step 5). The customer opens the link from the mail (or the
 * chat, or as read out by an operator): GET /survey/:token serves the page (apps/console
 * src/survey) with the link's status as the HTTP status (200, or the refusal's 4xx), the page
 * reads GET /api/v1/surveys/:token and posts the answer, which fires the lifecycle's `survey`
 * action as the customer. Single use is the lifecycle's rule (one survey per closing, decided
 * under the case's lease), so two submits at once record one. A browser carrying a valid staff
 * sign-in (bearer header or console session cookie) is refused. Staff read a closed case's link
 * at GET /api/v1/cases/:caseNumber/survey-link (operators read it out, clerks print it).
 */
export function surveyRoutes(deps: SurveyRouteDeps): Router {
  const router = Router();
  // Not among the files checked at start (web-apps.ts): a console built before the survey existed
  // still starts the gateway; only this page is missing until `npm run build`.
  const surveyPage = resolve(deps.webAppsDir ?? WEB_APPS_DIR, SURVEY_PAGE_FILE);

  /** The case the link is for, if it may be answered now; otherwise the refusal. */
  const open = async (token: string): Promise<{ c: CaseRecord; round: number; expiresAt: Date }> => {
    const checked = deps.surveys.check(token);
    if (!checked.ok) {
      if (checked.reason === 'invalid') throw new SurveyProblem('survey_link_invalid');
      const c = checked.caseNumber ? await deps.cases.findByCaseNumber(checked.caseNumber) : null;
      throw new SurveyProblem('survey_link_expired', c ? languageOf(c) : undefined);
    }
    const c = await deps.cases.findByCaseNumber(checked.caseNumber);
    if (!c) throw new SurveyProblem('survey_link_invalid');
    const refusal = refusalOf(c, checked.round);
    if (refusal) throw new SurveyProblem(refusal, languageOf(c));
    return { c, round: checked.round, expiresAt: checked.expiresAt };
  };

  const refuseStaff = async (req: Request): Promise<void> => {
    const bearer = BEARER.exec(req.get('authorization') ?? '');
    const staff = bearer ? deps.tokens.verify(bearer[1]!) : null;
    if (staff && (await deps.tokens.isCurrent(staff))) throw new SurveyProblem('survey_staff_refused');
    if (deps.sessions && (await deps.sessions.current(req))) throw new SurveyProblem('survey_staff_refused');
  };

  router.get(
    SURVEY_ROUTES.page.path,
    apiDoc({
      summary: 'The satisfaction survey page (HTTP status: the link’s status)',
      tag: 'pages',
      auth: 'public',
      params: tokenParams,
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    }),
    pageCsp(["'none'"]),
    revalidate,
    async (req, res) => {
      let status = 200;
      try {
        await open(String(req.params.token ?? ''));
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        status = err.status;
      }
      // Links are secrets: never sent on to other sites, never kept by shared caches.
      res.status(status).set({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' }).sendFile(surveyPage);
    },
  );

  router.get(
    SURVEY_ROUTES.form.path,
    apiDoc({
      summary: 'Whether a survey link may be answered, and the case’s language',
      tag: 'surveys',
      auth: 'public',
      params: tokenParams,
    }),
    async (req, res) => {
      const { token } = parseRequest(tokenParams, req.params, 'params');
      try {
        await refuseStaff(req);
        const { c, expiresAt } = await open(token);
        const view: SurveyFormView = {
          status: 'open',
          caseNumber: c.caseNumber,
          language: languageOf(c),
          expiresAt: expiresAt.toISOString(),
        };
        res.set('Cache-Control', 'no-store').json(view);
      } catch (err) {
        sendSurveyProblem(res, err);
      }
    },
  );

  router.post(
    SURVEY_ROUTES.answer.path,
    apiDoc({
      summary: 'Answer the survey (1–5 and a comment); once per closing',
      tag: 'surveys',
      auth: 'public',
      params: tokenParams,
      body: surveyAnswerSchema,
      responses: { 201: 'Recorded' },
    }),
    async (req, res) => {
      const { token } = parseRequest(tokenParams, req.params, 'params');
      try {
        await refuseStaff(req);
        const { c, round } = await open(token);
        const body = parseRequest(surveyAnswerSchema, req.body ?? {}, 'body');
        try {
          await deps.lifecycle.survey(
            c.caseNumber,
            { kind: 'customer' },
            { rating: body.rating, round, ...(body.comment ? { comment: body.comment } : {}) },
          );
        } catch (err) {
          if (!(err instanceof TransitionRefused)) throw err;
          // Decided under the case's lease: say why from the case as it is now.
          const now = await deps.cases.findByCaseNumber(c.caseNumber);
          throw new SurveyProblem((now && refusalOf(now, round)) ?? 'survey_already_answered', languageOf(c));
        }
        const view: SurveyAnswerView = { status: 'answered', caseNumber: c.caseNumber, rating: body.rating };
        res.status(201).json(view);
      } catch (err) {
        sendSurveyProblem(res, err);
      }
    },
  );

  router.get(
    SURVEY_ROUTES.link.path,
    apiDoc({ summary: 'The survey link of a closed case (operators read it out, clerks print it)', params: caseParams }),
    requireStaff(deps.tokens, SURVEY_ROUTES.link.permission),
    async (req, res) => {
      const { caseNumber } = parseRequest(caseParams, req.params, 'params');
      // Visibility as for every read (department staff: their department's cases).
      const c = await deps.lifecycle.get(caseNumber, staffActor(currentStaff(req)));
      const link = c.status === 'closed' ? surveyLinkOf(deps.surveys, deps.publicUrl(), c) : null;
      if (!link) {
        throw new HttpProblem(
          409,
          'case_not_closed',
          'No survey for an open case',
          `case ${caseNumber} is ${c.status}; the survey follows its closing`,
        );
      }
      const answered = (c.surveys ?? []).find((s) => s.afterReopen === link.round);
      res.set('Cache-Control', 'no-store').json({
        caseNumber,
        round: link.round,
        url: link.url,
        expiresAt: link.expiresAt.toISOString(),
        answered: answered ? { rating: answered.rating, at: answered.at } : null,
      });
    },
  );

  return router;
}

/** Why the survey of this round cannot be answered on the case as stored, or null if it can. */
function refusalOf(c: CaseRecord, round: number): SurveyRefusal | null {
  const reopenCount = c.reopenCount ?? 0;
  if (round !== reopenCount) return 'survey_link_replaced';
  if ((c.surveys ?? []).some((s) => s.afterReopen === round)) return 'survey_already_answered';
  if (c.status !== 'closed') return 'survey_not_open';
  return null;
}

function sendSurveyProblem(res: Parameters<typeof sendProblem>[0], err: unknown): void {
  if (!(err instanceof HttpProblem)) throw err;
  if (err instanceof SurveyProblem && err.language) res.setHeader('Content-Language', err.language);
  sendProblem(res, err);
}
