import { HeaderMap, type ApolloServer } from '@apollo/server';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphqlContext, HttpRequestInfo } from './context.js';

export interface GraphqlRouteOptions {
  server: ApolloServer<GraphqlContext>;
  createContext(req: HttpRequestInfo): Promise<GraphqlContext>;
  /** express.json limit, e.g. "100kb". */
  bodyLimit: string;
}

/** A request refused before GraphQL execution, in GraphQL's error shape. */
function refuse(res: Response, req: Request, status: number, reason: string, messages: string[]): void {
  res.status(status).json({
    errors: messages.map((message) => ({ message, extensions: { code: 'BAD_USER_INPUT', reason, requestId: req.id } })),
  });
}

/** The query string of a request target (`?a=1&b=2`, or '' without one), as Apollo wants it. */
function searchOf(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const end = url.indexOf('#', start);
  return end === -1 ? url.slice(start) : url.slice(start, end);
}

/**
 * `POST /graphql` (and `GET` for queries and the development landing page), bridging express 5 to
 * Apollo's HTTP API. Bodies that cannot be read answer 400 (malformed JSON) or 413 (too large).
 * The query limits are not checked here but inside Apollo (limits.ts), on the document it executes.
 */
export function graphqlRoute(options: GraphqlRouteOptions): (app: Express) => void {
  const { server, createContext } = options;
  const handle = async (req: Request, res: Response): Promise<void> => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method.toUpperCase(),
        headers,
        search: searchOf(req.originalUrl),
        body: req.body,
      },
      context: () => createContext({ requestId: req.id, authorization: req.header('authorization') }),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    const type = result.headers.get('content-type');
    // The body is a JS string, written as UTF-8; Apollo's HTML landing page does not say so itself.
    if (type && !type.includes('charset')) res.setHeader('content-type', `${type}; charset=utf-8`);
    res.statusCode = result.status ?? 200;
    // Straight to node's `end` (which sets Content-Length), as Apollo's own HTTP server does: express's
    // `send` would also hash the body for an ETag that no GraphQL client sends back.
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (app) => {
    app.post('/graphql', express.json({ limit: options.bodyLimit }), handle);
    app.get('/graphql', handle);
    app.use('/graphql', (error: unknown, req: Request, res: Response, next: NextFunction) => {
      const e = error as { type?: string; status?: number; message?: string };
      if (!e.status || e.status >= 500) return next(error);
      if (e.type === 'entity.parse.failed')
        return refuse(res, req, 400, 'MALFORMED_JSON', ['malformed JSON in the request body']);
      if (e.type === 'entity.too.large')
        return refuse(res, req, 413, 'PAYLOAD_TOO_LARGE', [
          `request body larger than the limit of ${options.bodyLimit}`,
        ]);
      refuse(res, req, e.status, 'BAD_REQUEST', [e.message ?? 'bad request']);
    });
  };
}
