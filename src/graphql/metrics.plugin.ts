import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Histogram } from 'prom-client';
import type { GraphqlContext } from './context.js';

/**
 * GraphQL durations labelled by the operation's root field. Clients choose operation names freely,
 * so the label is the root field when it is one of the schema's (a closed set), `other` otherwise
 * (several root fields, introspection, a document that did not parse or validate).
 */
export function graphqlMetricsPlugin(
  schema: GraphQLSchema,
  durations: Histogram<'operation' | 'outcome'>,
): ApolloServerPlugin<GraphqlContext> {
  const known = new Set([
    ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
    ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
  ]);
  const label = (operation: OperationDefinitionNode | undefined): string => {
    const fields = operation?.selectionSet.selections;
    const only = fields?.length === 1 ? fields[0] : undefined;
    return only?.kind === Kind.FIELD && known.has(only.name.value) ? only.name.value : 'other';
  };
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse(rc) {
          const body = rc.response.body;
          const failed = body.kind === 'single' ? Boolean(body.singleResult.errors?.length) : false;
          durations.observe(
            { operation: label(rc.operation), outcome: failed ? 'error' : 'ok' },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
