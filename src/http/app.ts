import { randomUUID, timingSafeEqual } from 'node:crypto';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Store } from '../domain/ports/store.port.js';
import { httpError } from './error-status.js';
import { createMetrics, type Metrics } from './metrics.js';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

export interface HttpAppOptions {
  logger: Logger;
  store: Store;
  /** Each feature (GraphQL, Stripe webhook, Discord interactions) mounts its own routes. */
  mounts?: ReadonlyArray<(app: Express) => void>;
  metrics?: Metrics;
  /** CORS_ORIGINS: exact origins a browser frontend may call from; empty = same-origin only. */
  corsOrigins?: readonly string[];
  /** METRICS_TOKEN: when set, GET /metrics wants `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

/** Bearer tokens, not cookies: no credentials, so an allowed origin is echoed, never `*`. */
const corsOptions = (origins: readonly string[]): cors.CorsOptions => ({
  origin: [...origins],
  methods: ['GET', 'POST'],
  allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight'],
  maxAge: 600,
  optionsSuccessStatus: 204,
});

/**
 * The one express app of an API process. No global body parser: each route parses what it needs
 * (the Stripe webhook needs the raw bytes to check the signature).
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { logger, store } = options;
  const { registry, httpDuration } = options.metrics ?? createMetrics();
  const metricsAuth = options.metricsToken ? Buffer.from(`Bearer ${options.metricsToken}`) : null;
  const app = express();
  app.disable('x-powered-by');
  // Every answer here is a small JSON document made for one request (a POST, mostly): an ETag would
  // cost a hash of each body and no client revalidates with it.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route's pattern, never the raw path: unknown paths are one series.
      const route = req.route ? String((req.route as { path: string }).path) : 'unmatched';
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      httpDuration.observe({ method: req.method, route, status: res.statusCode }, ms / 1000);
      logger.debug(
        {
          reqId: req.id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms,
        },
        'http request',
      );
    });
    next();
  });

  app.use(cors(corsOptions(options.corsOrigins ?? [])));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', database: store.kind });
  });

  // Anyone who can reach the port can ask: the answer says ready or not, nothing about the database
  // (hosts and names help an attacker); operators find the details in the log.
  app.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready' });
    } catch (error) {
      logger.warn({ err: error, database: store.description }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.get('/metrics', async (req, res) => {
    const given = Buffer.from(req.header('authorization') ?? '');
    if (metricsAuth && (given.length !== metricsAuth.length || !timingSafeEqual(given, metricsAuth))) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'metrics need the METRICS_TOKEN bearer token' });
      return;
    }
    res.type(registry.contentType).send(await registry.metrics());
  });

  for (const mount of options.mounts ?? []) mount(app);

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not found', path: req.path });
  });

  // Express 5 forwards rejected promises here. Body-parser errors carry a status (400/413); a
  // domain error from a route answers the status of its code (error-status.ts).
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof DomainError) {
      const { status, body } = httpError(error, req.id);
      if (status >= 500) logger.error({ err: error, reqId: req.id }, 'HTTP request failed');
      res.status(status).json(body);
      return;
    }
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).json({ error: (error as Error).message, requestId: req.id });
      return;
    }
    logger.error({ err: error, reqId: req.id }, 'unhandled HTTP error');
    res.status(500).json({ error: 'internal error', requestId: req.id });
  });

  return app;
}
