import { HeaderMap, type ApolloServer } from '@apollo/server';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphqlContext, RequestInfo } from './context.js';

export interface GraphqlRouteOptions {
  server: ApolloServer<GraphqlContext>;
  createContext(req: RequestInfo): Promise<GraphqlContext>;
  /** express.json limit, e.g. "100kb". */
  bodyLimit: string;
}

/**
 * `POST /graphql` (and `GET` for queries and the development landing page), bridging express 5 to
 * Apollo's HTTP API. Bodies that cannot be read answer in GraphQL's error shape: malformed JSON
 * 400, too large 413.
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
        search: new URL(req.originalUrl, 'http://localhost').search,
        body: req.body,
      },
      context: () => createContext({ requestId: req.id, authorization: req.header('authorization') }),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.status(result.status ?? 200);
    if (result.body.kind === 'complete') {
      res.send(result.body.string);
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
      if (!e.status || e.status >= 500) {
        next(error);
        return;
      }
      const message =
        e.type === 'entity.parse.failed'
          ? 'malformed JSON in the request body'
          : e.type === 'entity.too.large'
            ? `request body larger than the limit of ${options.bodyLimit}`
            : (e.message ?? 'bad request');
      const reason =
        e.type === 'entity.parse.failed'
          ? 'MALFORMED_JSON'
          : e.type === 'entity.too.large'
            ? 'PAYLOAD_TOO_LARGE'
            : 'BAD_REQUEST';
      res
        .status(e.status)
        .json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason, requestId: req.id } }] });
    });
  };
}
