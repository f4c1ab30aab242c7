import type { RequestListener } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import type {
  CalendarProvider,
  CaseLifecycle,
  CaseLock,
  DeadlinePlanner,
  MetricsRegistry,
  StaffAccounts,
  StaffTokenService,
} from '@cg/core';
import type { CachedDepartmentSettings, CachedWebhookSubscriptions, Database } from '@cg/db';
import type { GatewayConfig, WebhookSettings } from '@cg/config';
import type { DeadlineScheduler, IntakePublisher, RedisRateLimiter, WebhooksQueue } from '@cg/queue';
import { caseProblemHandler } from './http/case-problems';
import { requireConsoleSession, type ConsoleSessions } from './http/console-session';
import { httpMetrics, metricsRoute } from './http/metrics';
import { QUEUE_BOARD_PATH } from './http/queue-board';
import { compileTrustProxy } from './http/trust-proxy';
import { notFoundHandler, problemErrorHandler } from './http/problem';
import { requestLog } from './http/request-log';
import { securityHeaders } from './http/security-headers';
import { openApiRoutes } from './http/openapi';
import { caseActionRoutes } from './routes/case-actions.routes';
import { adminRoutes, rootCauseRoutes } from './routes/admin.routes';
import { webhookRoutes } from './routes/webhooks.routes';
import { authRoutes } from './routes/auth.routes';
import { calendarRoutes } from './routes/calendar.routes';
import { consoleRoutes } from './routes/console.routes';
import { caseReplyRoutes } from './routes/case-replies.routes';
import { caseMergeRoutes } from './routes/case-merge.routes';
import { noteAttachmentRoutes } from './routes/note-attachments.routes';
import { staffAvailabilityRoutes } from './routes/staff-availability.routes';
import { caseWorkflowRoutes } from './routes/case-workflow.routes';
import { caseRoutes } from './routes/cases.routes';
import { healthRoutes, type ReadinessCheck } from './routes/health.routes';
import { directHotlineCalls, hotlineRoutes, HOTLINE_MOUNT } from './routes/hotline.routes';
import { postalRoutes } from './routes/postal.routes';
import { CaseReports, reportRoutes } from './reports/reports.routes';
import type { PostalChannel } from './postal';
import type { Livechat } from './livechat';

export interface GatewayAppDeps {
  logger: Logger;
  db: Database;
  /** Every change of a case after its insert goes through it. */
  lifecycle: CaseLifecycle;
  publisher: IntakePublisher;
  calendars: CalendarProvider;
  planner: DeadlinePlanner;
  deadlineScheduler: DeadlineScheduler;
  departments: () => readonly string[];
  tokens: StaffTokenService;
  readiness: ReadinessCheck[];
  /** Sign-in attempts per client address per minute, counted for all gateway nodes together. */
  login: { limiter: RedisRateLimiter; perMinute: number };
  /** Email settings for staff answers (read at start). */
  mail: GatewayConfig['mail'];
  trustProxy?: string;
  /** The livechat channel (routes and pages); absent in apps that do not serve it. */
  livechat?: Pick<Livechat, 'routes' | 'pages'>;
  /** The postal channel (scan store, OCR queue, limits); absent in apps that do not serve it. */
  postal?: PostalChannel;
  /** Step 4's answer routes under /api/v1 (answers/answer.routes.ts): template, letter, callbacks, letters to post. */
  answers?: express.Router;
  /** Prometheus registry of this process; /metrics behind `token` (see http/metrics.ts). */
  metrics?: { registry: MetricsRegistry; token?: string; production: boolean };
  /** Browser sessions (cookie) for server-rendered staff pages. */
  sessions?: ConsoleSessions;
  /** Bull Board's router (http/queue-board.ts), mounted at /admin/queues for admins with a console session. */
  queueBoard?: express.Router;
  /** Staff accounts (the one writer after creation) and leases for admin-edited settings: the admin routes. */
  admin?: {
    accounts: StaffAccounts;
    lock: CaseLock;
    /** The per-process copies every case change reads: told after each write of theirs. */
    departmentSettings: Pick<CachedDepartmentSettings, 'changed'>;
    webhookSubscriptions: Pick<CachedWebhookSubscriptions, 'changed'>;
  };
  /** Webhook endpoints and deliveries (routes/webhooks.routes.ts, under /api/v1/admin/webhooks; needs `admin` for its lease). */
  webhooks?: { queue: WebhooksQueue; settings: WebhookSettings };
  /** Step 5's satisfaction survey (surveys/survey.routes.ts): its page, its API and the staff's link route (full paths). */
  surveys?: (sessions?: ConsoleSessions) => express.Router;
  /** Queues automatic fair assignment of a waiting case (packages/queue AutoAssignQueue). */
  requestAssignment?: (caseNumber: string, version: number) => Promise<void>;
}

/**
 * The HTTP surface: routes only translate and authorize; domain rules live in packages and workers.
 * `app` holds every route (the OpenAPI document and the authorization matrix read it); `listener`
 * is what the server runs: the hotline's call route directly (directHotlineCalls), the rest by `app`.
 */
export function createGatewayApp(deps: GatewayAppDeps): { app: express.Express; listener: RequestListener } {
  const app = express();
  app.disable('x-powered-by');
  // Compiled once for HTTP and the sockets alike (http/trust-proxy.ts): the same client address everywhere.
  if (deps.trustProxy) app.set('trust proxy', compileTrustProxy(deps.trustProxy));
  app.use(securityHeaders());
  if (deps.metrics) app.use(httpMetrics(deps.metrics.registry));
  app.use(requestLog(deps.logger, { ignore: (path) => path === '/healthz' || path === '/readyz' || path === '/metrics' }));
  const jsonBody = express.json({ limit: '256kb' });
  app.use(jsonBody);
  // First of the routes: a hotline call the direct route leaves to express (a trailing slash, a
  // query string) would otherwise walk the root-mounted routers below (health, console, surveys,
  // livechat pages) before reaching it. Nothing above /api/v1/hotline is served by them.
  app.use(HOTLINE_MOUNT, hotlineRoutes({ publisher: deps.publisher, tokens: deps.tokens }));

  app.use(healthRoutes(deps.readiness));
  if (deps.metrics) app.use(metricsRoute(deps.metrics.registry, deps.metrics));
  if (deps.sessions && deps.queueBoard) {
    // Server-rendered: signed in by the console session cookie (admins only), CSRF-checked.
    app.use(QUEUE_BOARD_PATH, requireConsoleSession(deps.sessions, 'queues:manage'), deps.queueBoard);
  }
  app.use(consoleRoutes());
  if (deps.surveys) app.use(deps.surveys(deps.sessions));
  if (deps.livechat) {
    app.use('/api/v1/livechat', deps.livechat.routes);
    app.use(deps.livechat.pages); // sets its own CSP for the chat and agent pages
  }
  app.use(
    '/api/v1/auth',
    authRoutes({
      staffUsers: deps.db.staffUsers,
      tokens: deps.tokens,
      ...(deps.admin ? { accounts: deps.admin.accounts } : {}),
      login: deps.login,
      ...(deps.sessions ? { sessions: deps.sessions } : {}),
    }),
  );
  if (deps.postal)
    app.use(
      '/api/v1/postal',
      postalRoutes({
        ...deps.postal,
        publisher: deps.publisher,
        tokens: deps.tokens,
        letters: deps.db.postalLetters,
        cases: deps.db.cases,
      }),
    );
  app.use('/api/v1/cases', caseRoutes({ cases: deps.db.cases, tokens: deps.tokens }));
  app.use(
    '/api/v1/cases',
    caseActionRoutes({
      lifecycle: deps.lifecycle,
      tokens: deps.tokens,
      staffUsers: deps.db.staffUsers,
      departments: deps.departments,
      rootCauses: deps.db.rootCauses,
    }),
  );
  app.use(
    '/api/v1/cases',
    caseWorkflowRoutes({
      tokens: deps.tokens,
      lifecycle: deps.lifecycle,
      trainingExamples: deps.db.trainingExamples,
      departments: deps.departments,
    }),
  );
  app.use('/api/v1/cases', caseReplyRoutes({ db: deps.db, lifecycle: deps.lifecycle, tokens: deps.tokens, mail: deps.mail }));
  // Step 2 duplicates, step 3 notes with files and the staff's switch for automatic fair assignment.
  app.use('/api/v1/cases', caseMergeRoutes({ lifecycle: deps.lifecycle, cases: deps.db.cases, tokens: deps.tokens }));
  app.use('/api/v1/cases', noteAttachmentRoutes({ lifecycle: deps.lifecycle, files: deps.db.noteAttachments, tokens: deps.tokens }));
  app.use(
    '/api/v1/staff',
    staffAvailabilityRoutes({
      tokens: deps.tokens,
      availability: deps.db.staffAvailability,
      settings: deps.db.departmentSettings,
      cases: deps.db.cases,
      ...(deps.requestAssignment ? { requestAssignment: deps.requestAssignment } : {}),
    }),
  );
  app.use(
    '/api/v1/calendar',
    calendarRoutes({ tokens: deps.tokens, calendars: deps.calendars, schedules: deps.db.calendarSchedules, policy: deps.planner.policy }),
  );

  if (deps.answers) app.use('/api/v1', deps.answers);
  app.use('/api/v1/root-causes', rootCauseRoutes({ tokens: deps.tokens, rootCauses: deps.db.rootCauses }));
  if (deps.admin && deps.webhooks) {
    app.use(
      '/api/v1/admin/webhooks',
      webhookRoutes({
        tokens: deps.tokens,
        db: deps.db,
        lock: deps.admin.lock,
        endpointsChanged: () => deps.admin!.webhookSubscriptions.changed(),
        queue: deps.webhooks.queue,
        settings: deps.webhooks.settings,
      }),
    );
  }
  if (deps.admin) {
    app.use(
      '/api/v1/admin',
      adminRoutes({
        tokens: deps.tokens,
        accounts: deps.admin.accounts,
        lock: deps.admin.lock,
        departmentSettings: deps.db.departmentSettings,
        departmentSettingsChanged: () => deps.admin!.departmentSettings.changed(),
        rootCauses: deps.db.rootCauses,
        departments: deps.departments,
      }),
    );
  }
  app.use('/api/v1/reports', reportRoutes({ reports: new CaseReports(deps.db.cases), tokens: deps.tokens }));
  // The API document is read from this app's router: every route above is in it.
  app.use('/api/v1', openApiRoutes());
  app.use(notFoundHandler);
  app.use(caseProblemHandler);
  app.use(problemErrorHandler(deps.logger));

  const hotlineCalls = directHotlineCalls({
    publisher: deps.publisher,
    tokens: deps.tokens,
    logger: deps.logger,
    jsonBody,
    ...(deps.metrics ? { metrics: deps.metrics.registry } : {}),
  });
  const listener: RequestListener = (req, res) => {
    if (!hotlineCalls(req, res)) app(req, res);
  };
  return { app, listener };
}
