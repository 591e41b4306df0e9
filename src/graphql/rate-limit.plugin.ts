import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GraphqlContext } from './context.js';
import { graphqlHttpStatus } from './error-map.js';

export interface MutationRateLimit {
  /** Mutations (root fields) per caller per window. */
  points: number;
  windowSeconds: number;
}

/**
 * Per-caller limit on mutations, checked once the operation is known and before anything runs.
 * Each root mutation field costs one point, so aliasing 30 mutations into one request does not
 * dodge it. `service` callers (trusted backends spending for many accounts) and anonymous callers
 * (every mutation refuses them anyway) are not counted. In memory: each API replica limits on its own.
 */
export function mutationRateLimitPlugin(limit: MutationRateLimit): ApolloServerPlugin<GraphqlContext> {
  const limiter = new RateLimiterMemory({ points: limit.points, duration: limit.windowSeconds });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          const caller = contextValue.principal;
          if (operation?.operation !== 'mutation' || !caller || caller.roles.includes('service')) return;
          try {
            await limiter.consume(caller.subject, rootFieldCount(operation.selectionSet, document, new Set()));
          } catch (error) {
            if (!(error instanceof RateLimiterRes)) throw error;
            const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
            throw new GraphQLError(`too many changes; try again in ${retryAfter} s`, {
              extensions: {
                code: 'RATE_LIMITED',
                retryAfter,
                http: {
                  status: graphqlHttpStatus('RATE_LIMITED'),
                  headers: new Map([['retry-after', String(retryAfter)]]),
                },
              },
            });
          }
        },
      };
    },
  };
}

function rootFieldCount(set: SelectionSetNode, document: DocumentNode, seen: Set<string>): number {
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n += sel.name.value === '__typename' ? 0 : 1;
    else if (sel.kind === Kind.INLINE_FRAGMENT) n += rootFieldCount(sel.selectionSet, document, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value,
      ) as OperationDefinitionNode | undefined;
      if (fragment) n += rootFieldCount(fragment.selectionSet, document, seen);
    }
  }
  return n;
}
