import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Store } from '../domain/ports/store.port.js';
import { httpError } from './error-status.js';
import { createMetrics, type Metrics } from './metrics.js';
import { sendJson, type HttpRoute } from './route.js';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
  }
}

export interface HttpAppOptions {
  logger: Logger;
  store: Store;
  /** Routes served in front of express (route.ts): the hot paths, GraphQL and the Stripe webhook. */
  routes?: readonly HttpRoute[];
  /** Each other feature (console, Discord interactions) mounts its express routes. */
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

/** The API's request listener; `listen` starts a node HTTP server with it. */
export interface HttpApp {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host: string, listening?: () => void): Server;
  /**
   * Stops listening and lets the requests already in flight finish, each answered with
   * `Connection: close` (a deploy must not cut a spend or a Stripe delivery halfway); connections
   * still busy after `graceMs` are cut.
   */
  close(graceMs: number): Promise<void>;
}

const REQUEST_ID = /^[\w.-]{1,100}$/;

/**
 * The path of a request target as routes match it: no query, lower case, no trailing slash. An
 * absolute-form target (`http://host/graphql`, as sent to proxies) is reduced to its path, like
 * express does.
 */
function routePath(url: string): string {
  const target = url.startsWith('/') ? url : pathOfAbsolute(url);
  const q = target.indexOf('?');
  const path = (q === -1 ? target : target.slice(0, q)).toLowerCase();
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function pathOfAbsolute(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * What a client sees of an error no route answered itself. Body-parser errors carry a status
 * (400/413/415); a domain error answers the status of its code (error-status.ts); anything else is
 * an internal error, logged with the request id the client is shown.
 */
function answerError(error: unknown, requestId: string, res: ServerResponse, logger: Logger): void {
  if (res.headersSent) {
    logger.error({ err: error, reqId: requestId }, 'HTTP request failed after its answer began');
    res.destroy();
    return;
  }
  if (error instanceof DomainError) {
    const { status, body } = httpError(error, requestId);
    if (status >= 500) logger.error({ err: error, reqId: requestId }, 'HTTP request failed');
    sendJson(res, status, body);
    return;
  }
  const status = (error as { status?: number }).status;
  if (status && status >= 400 && status < 500) {
    sendJson(res, status, { error: (error as Error).message, requestId });
    return;
  }
  logger.error({ err: error, reqId: requestId }, 'unhandled HTTP error');
  sendJson(res, 500, { error: 'internal error', requestId });
}

/**
 * The HTTP front of an API process. Every request gets its id, CORS and the duration metric here;
 * then the hot routes (route.ts) answer directly and everything else goes to the express app.
 * No global body parser: each route parses what it needs (the Stripe webhook needs the raw bytes
 * to check the signature).
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { logger } = options;
  const metrics = options.metrics ?? createMetrics();
  const { httpDuration } = metrics;
  const app = expressApp(options, metrics);
  const corsCheck = cors(corsOptions(options.corsOrigins ?? []));
  const routes = new Map<string, HttpRoute>();
  for (const route of options.routes ?? [])
    for (const method of route.methods) routes.set(`${method} ${route.path.toLowerCase()}`, route);

  let server: Server | undefined;
  let closing = false;
  const inFlight = new Set<ServerResponse>();

  const front = ((req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader('connection', 'close');
    inFlight.add(res);
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    (req as IncomingMessage & { id: string }).id = id;
    res.setHeader('x-request-id', id);
    const started = process.hrtime.bigint();
    const path = routePath(req.url ?? '/');
    const route = routes.get(`${req.method} ${path}`);
    res.once('close', () => {
      inFlight.delete(res);
      if (closing) server?.closeIdleConnections();
      if (!res.writableFinished) return; // the client went away before the answer was written
      // The matched route's pattern, never the raw path: unknown paths are one series.
      const pattern = route?.path ?? (req as Partial<Request>).route?.path;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      httpDuration.observe(
        { method: req.method ?? '', route: pattern ? String(pattern) : 'unmatched', status: res.statusCode },
        ms / 1000,
      );
      logger.debug({ reqId: id, method: req.method, path, status: res.statusCode, ms }, 'http request');
    });
    const next = (): void => {
      if (!route) {
        app(req as Request, res as Response);
        return;
      }
      route.handle(req, res, id).catch((error: unknown) => answerError(error, id, res, logger));
    };
    // CORS answers a preflight itself; for any other request it sets its headers and goes on. A
    // request without an Origin header (a backend, curl, Stripe) gets from it only `Vary: Origin`:
    // set here directly, without the cors package's option copies and header merging (2–5 µs a
    // request in a micro-benchmark against 0.2–0.3 µs).
    if (req.headers.origin === undefined && req.method !== 'OPTIONS') {
      res.setHeader('vary', 'Origin');
      next();
    } else corsCheck(req, res, next);
  }) as HttpApp;
  front.listen = (port, host, listening) => (server = createServer(front).listen(port, host, listening));
  front.close = (graceMs) =>
    new Promise<void>((resolve) => {
      if (!server) return resolve();
      closing = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      const cut = setTimeout(() => server?.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
    });
  return front;
}

/** The express app behind the front: health, readiness, metrics, the mounted features, 404. */
function expressApp(options: HttpAppOptions, { registry }: Metrics): Express {
  const { logger, store } = options;
  const metricsAuth = options.metricsToken ? Buffer.from(`Bearer ${options.metricsToken}`) : null;
  const app = express();
  app.disable('x-powered-by');
  // Every answer here is a small JSON document made for one request: an ETag would cost a hash of
  // each body and no client revalidates with it.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');

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

  // Express 5 forwards rejected promises here.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    answerError(error, req.id, res, logger);
  });

  return app;
}
