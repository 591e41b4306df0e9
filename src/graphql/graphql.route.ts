import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import express from 'express';
import { readBody, sendJson, type HttpRoute } from '../http/route.js';
import type { GraphqlContext, HttpRequestInfo } from './context.js';

export interface GraphqlRouteOptions {
  server: ApolloServer<GraphqlContext>;
  createContext(req: HttpRequestInfo): Promise<GraphqlContext>;
  /** express.json limit, e.g. "100kb". */
  bodyLimit: string;
}

/** A request refused before GraphQL execution, in GraphQL's error shape. */
function refuse(res: ServerResponse, requestId: string, status: number, reason: string, messages: string[]): void {
  sendJson(res, status, {
    errors: messages.map((message) => ({ message, extensions: { code: 'BAD_USER_INPUT', reason, requestId } })),
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
 * `POST /graphql` (and `GET` for queries and the development landing page), bridging node's HTTP
 * server to Apollo's HTTP API. Bodies that cannot be read answer 400 (malformed JSON) or 413 (too
 * large). The query limits are not checked here but inside Apollo (limits.ts), on the document it
 * executes.
 */
export function graphqlRoute(options: GraphqlRouteOptions): HttpRoute {
  const { server, createContext, bodyLimit } = options;
  const json = express.json({ limit: bodyLimit });

  const body = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<unknown> => {
    try {
      return await readBody(json, req, res);
    } catch (error) {
      const e = error as { type?: string; status?: number; message?: string };
      if (!e.status || e.status >= 500) throw error;
      if (e.type === 'entity.parse.failed')
        refuse(res, requestId, 400, 'MALFORMED_JSON', ['malformed JSON in the request body']);
      else if (e.type === 'entity.too.large')
        refuse(res, requestId, 413, 'PAYLOAD_TOO_LARGE', [`request body larger than the limit of ${bodyLimit}`]);
      else refuse(res, requestId, e.status, 'BAD_REQUEST', [e.message ?? 'bad request']);
      return REFUSED;
    }
  };

  return {
    methods: ['GET', 'HEAD', 'POST'],
    path: '/graphql',
    async handle(req, res, requestId) {
      const parsed = req.method === 'POST' ? await body(req, res, requestId) : undefined;
      if (parsed === REFUSED) return;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const result = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: req.method!.toUpperCase(),
          headers,
          search: searchOf(req.url ?? ''),
          body: parsed,
        },
        context: () => createContext({ requestId, authorization: req.headers.authorization }),
      });
      for (const [key, value] of result.headers) res.setHeader(key, value);
      const type = result.headers.get('content-type');
      // A GraphQL answer (balances, ledgers) must never be kept by a browser or a proxy.
      if (type?.startsWith('application/')) res.setHeader('cache-control', 'no-store');
      // The body is a JS string, written as UTF-8; Apollo's HTML landing page does not say so itself.
      if (type && !type.includes('charset')) res.setHeader('content-type', `${type}; charset=utf-8`);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    },
  };
}

const REFUSED = Symbol('refused');
