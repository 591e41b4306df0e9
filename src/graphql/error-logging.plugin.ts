import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { GraphqlContext } from './context.js';
import { classifyError } from './error-map.js';

/**
 * Logs the errors worth an operator's attention with the request id (the client gets the same id
 * in `extensions.requestId` and the `x-request-id` header, so support can find the log line).
 */
export function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const c = classifyError(error);
            if (c.log === 'none') continue;
            const entry = {
              err: unwrapResolverError(error),
              reqId: contextValue.requestId,
              path: error.path,
              operationName,
              code: c.code,
            };
            if (c.log === 'warn') logger.warn(entry, 'GraphQL request failed');
            else logger.error(entry, c.unknown ? 'unexpected error in a GraphQL request' : 'GraphQL request failed');
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({
            ...e,
            extensions: { ...e.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}
