import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { StaffTokenService } from '@cg/core';
import type { Database } from '@cg/db';
import type { IntakePublisher } from '@cg/queue';
import { notFoundHandler, problemErrorHandler } from './http/problem';
import { authRoutes } from './routes/auth.routes';
import { caseRoutes } from './routes/cases.routes';
import { healthRoutes, type ReadinessCheck } from './routes/health.routes';
import { hotlineRoutes } from './routes/hotline.routes';

export interface GatewayAppDeps {
  logger: Logger;
  db: Database;
  publisher: IntakePublisher;
  tokens: StaffTokenService;
  readiness: ReadinessCheck[];
  loginsPerMinute: number;
  trustProxy?: string;
}

/** The HTTP surface: routes only translate and authorize; domain rules live in packages and workers. */
export function createGatewayApp(deps: GatewayAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy) app.set('trust proxy', deps.trustProxy);
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Never log headers: they carry bearer tokens.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
    }),
  );
  app.use(express.json({ limit: '256kb' }));

  app.use(healthRoutes(deps.readiness));
  app.use('/api/v1/auth', authRoutes({ staffUsers: deps.db.staffUsers, tokens: deps.tokens, loginsPerMinute: deps.loginsPerMinute }));
  app.use('/api/v1/hotline', hotlineRoutes({ publisher: deps.publisher, tokens: deps.tokens }));
  app.use('/api/v1/cases', caseRoutes({ cases: deps.db.cases, tokens: deps.tokens }));

  app.use(notFoundHandler);
  app.use(problemErrorHandler(deps.logger));
  return app;
}
