import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { Config } from '../config.js';
import type { Account } from '../domain/accounts/account.types.js';
import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/ports/documents.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { Services } from '../services.js';
import type { JwtVerifier, Principal } from './auth/jwt.verifier.js';
import { classifyError, graphqlHttpStatus } from './error-map.js';

/** Per-request loaders: a list that needs one related document per item reads them in one query. */
export interface Loaders {
  accountById: DataLoader<string, Account | null>;
}

export interface GraphqlContext {
  requestId: string;
  principal: Principal | null;
  services: Services;
  config: Config;
  logger: Logger;
  loaders: Loaders;
  /** The caller's own account, created on first sight; read at most once per request. */
  account(): Promise<Account>;
  /** The caller as the ledger and audit log record them. */
  actor(): Actor;
}

export interface ContextDeps {
  services: Services;
  config: Config;
  logger: Logger;
  verifier: JwtVerifier | null;
}

export interface HttpRequestInfo {
  requestId: string;
  authorization: string | undefined;
}

/**
 * Builds the context of one request. No token → anonymous (fields that need a caller answer
 * UNAUTHENTICATED); a token that does not verify fails the whole request with HTTP 401.
 */
export function contextFactory(deps: ContextDeps): (req: HttpRequestInfo) => Promise<GraphqlContext> {
  return async ({ requestId, authorization }) => {
    const principal = authorization ? await authenticate(deps, requestId, authorization) : null;
    let account: Promise<Account> | undefined;
    let accountById: Loaders['accountById'] | undefined;
    return {
      requestId,
      principal,
      services: deps.services,
      config: deps.config,
      logger: deps.logger,
      // Built on first use: most requests resolve no list that needs it.
      loaders: {
        get accountById() {
          return (accountById ??= new DataLoader(async (ids) => {
            const found = await deps.services.accounts.getMany(ids);
            return ids.map((id) => found.get(id) ?? null);
          }));
        },
      },
      account: () => (account ??= ownAccount(deps.services, principal)),
      actor: () => actorOf(principal),
    };
  };
}

async function authenticate(deps: ContextDeps, requestId: string, authorization: string): Promise<Principal> {
  try {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw new DomainError('UNAUTHENTICATED', 'invalid token: use the form "Authorization: Bearer <token>"');
    if (!deps.verifier) throw new DomainError('UNAUTHENTICATED', 'invalid token: this server accepts no tokens');
    return await deps.verifier.verify(m[1]!);
  } catch (error) {
    const c = classifyError(error);
    if (c.log !== 'none' || c.unknown) deps.logger.error({ err: error, reqId: requestId }, 'authentication failed');
    const unauthenticated = c.code === 'UNAUTHENTICATED';
    throw new GraphQLError(c.message, {
      extensions: {
        code: c.code,
        ...c.extensions,
        requestId,
        http: {
          status: graphqlHttpStatus(c.code),
          headers: new Map(unauthenticated ? [['www-authenticate', 'Bearer error="invalid_token"']] : []),
        },
      },
    });
  }
}

async function ownAccount(services: Services, principal: Principal | null): Promise<Account> {
  if (!principal)
    throw new DomainError('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <token>');
  if (!principal.email) throw new DomainError('FORBIDDEN', 'this token has no email, so it has no account of its own');
  return services.accounts.findOrCreateBySubject({
    subject: principal.subject,
    email: principal.email,
    emailVerified: principal.emailVerified,
  });
}

const ACTOR_PRECEDENCE = ['admin', 'support', 'service', 'user'] as const;

function actorOf(principal: Principal | null): Actor {
  if (!principal)
    throw new DomainError('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <token>');
  const type = ACTOR_PRECEDENCE.find((r) => principal.roles.includes(r)) ?? 'user';
  return { type, id: principal.subject, ...(principal.email ? { name: principal.email } : {}) };
}
