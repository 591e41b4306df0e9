import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { HttpRoute } from '../http/route.js';
import type { Config } from '../config.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Services } from '../services.js';
import { resolveHs256Secret } from './auth/dev-jwt-secret.js';
import { JwtVerifier } from './auth/jwt.verifier.js';
import { contextFactory, type GraphqlContext } from './context.js';
import type { Metrics } from '../http/metrics.js';
import { errorLoggingPlugin } from './error-logging.plugin.js';
import { formatGraphqlError } from './error-map.js';
import { graphqlRoute } from './graphql.route.js';
import { MAX_TOKENS, queryLimitsRule } from './limits.js';
import { graphqlMetricsPlugin } from './metrics.plugin.js';
import { mutationRateLimitPlugin } from './rate-limit.plugin.js';
import { buildGraphqlSchema } from './schema.js';

export interface GraphqlApiDeps {
  config: Config;
  services: Services;
  logger: Logger;
  metrics?: Metrics;
}

export interface GraphqlApi {
  /** POST (and GET) /graphql, served in front of express. */
  route: HttpRoute;
  stop(): Promise<void>;
}

/** The Apollo server of the API process, with every limit of README.md "Limits and protections". */
export async function createGraphqlApi(deps: GraphqlApiDeps): Promise<GraphqlApi> {
  const { config, logger } = deps;
  const production = config.NODE_ENV === 'production';
  const development = config.NODE_ENV === 'development';
  const schema = await buildGraphqlSchema();
  const server = new ApolloServer<GraphqlContext>({
    schema,
    // Every default that Apollo would derive from process.env.NODE_ENV is decided here instead.
    introspection: !production,
    includeStacktraceInErrorResponses: development,
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    stopOnTerminationSignals: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: [
      queryLimitsRule({
        maxDepth: config.GRAPHQL_DEPTH_LIMIT,
        maxAliases: config.GRAPHQL_MAX_ALIASES,
        maxCost: config.GRAPHQL_MAX_COST,
      }),
    ],
    formatError: (formatted, error) => formatGraphqlError(formatted, error, { development }),
    logger: {
      debug: (m) => logger.debug({}, String(m)),
      info: (m) => logger.info({}, String(m)),
      warn: (m) => logger.warn({}, String(m)),
      error: (m) => logger.error({}, String(m)),
    },
    plugins: [
      // No type or field sets a cache hint: every answer is uncacheable, and graphql.route.ts says so
      // itself (`cache-control: no-store`) instead of this plugin working it out field by field.
      ApolloServerPluginCacheControlDisabled(),
      development
        ? ApolloServerPluginLandingPageLocalDefault({ footer: false })
        : ApolloServerPluginLandingPageDisabled(),
      errorLoggingPlugin(logger),
      mutationRateLimitPlugin({ points: config.RATE_LIMIT_MUTATIONS, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS }),
      ...(deps.metrics ? [graphqlMetricsPlugin(schema, deps.metrics.graphqlDuration)] : []),
    ],
  });
  await server.start();

  const secret = resolveHs256Secret(config);
  const verifier =
    secret || config.AUTH_JWKS_URL
      ? new JwtVerifier({
          secret,
          jwksUrl: config.AUTH_JWKS_URL,
          issuer: config.AUTH_JWT_ISSUER,
          audience: config.AUTH_JWT_AUDIENCE,
          rolesClaim: config.AUTH_ROLES_CLAIM,
          maxTokenAgeSeconds: config.AUTH_MAX_TOKEN_AGE,
        })
      : null;
  const createContext = contextFactory({ ...deps, verifier });
  return {
    route: graphqlRoute({
      server,
      createContext,
      bodyLimit: config.HTTP_BODY_LIMIT,
    }),
    stop: () => server.stop(),
  };
}
