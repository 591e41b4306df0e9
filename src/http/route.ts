import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A route served by node's HTTP server directly, in front of express: the hot paths (`/graphql`,
 * the Stripe webhook). Express's router, request/response prototypes and `res.json` cost about as
 * much per request as Apollo's whole pipeline, so the routes every client and Stripe call on each
 * request skip it. The front (app.ts) still gives them what express middleware gave: the request
 * id, CORS, the duration metric and request log, and the same error answers.
 */
export interface HttpRoute {
  /** Upper-case methods this route answers; any other method goes on to express (404 there). */
  readonly methods: readonly string[];
  /** The path, matched like express does: case-insensitive, with or without one trailing slash. */
  readonly path: string;
  /** A rejection answers like express's error handler would (app.ts, `answerError`). */
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
}

/** Writes a JSON answer with node's own `end` (which sets Content-Length). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** A connect-style body parser (express.json, express.raw) run on a plain node request. */
export type BodyParser = (req: never, res: never, next: (error?: unknown) => void) => void;

/**
 * The body as the parser reads it (`undefined` when the parser skips the request, e.g. another
 * content type). Its errors carry `status` and `type` (400 malformed, 413 too large, 415 charset).
 */
export function readBody(parser: BodyParser, req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  return new Promise((resolve, reject) => {
    parser(req as never, res as never, (error) =>
      error ? reject(error) : resolve((req as IncomingMessage & { body?: unknown }).body),
    );
  });
}
