/**
 * A real API server for integration tests: the composition root (`startService`) on 127.0.0.1,
 * port 0, over a MemoryStore the test can reach (`store.faults`), with a fixed HS256 secret so tests
 * can sign tokens. Every feature's tests reuse it:
 *
 *   const srv = await startTestServer({ RATE_LIMIT_MUTATIONS: '5' });
 *   const { token, account } = await srv.signIn({ roles: ['support'] });
 *   const res = await srv.gql('{ me { balance } }', {}, token);
 *   await srv.close();
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GraphQLFormattedError } from 'graphql';
import { loadConfig, type Config, type Env } from '../../src/config.js';
import type { Clock, Logger } from '../../src/domain/ports/runtime.port.js';
import { signDevToken } from '../../src/graphql/auth/jwt.signer.js';
import type { AuthRole } from '../../src/graphql/auth/jwt.verifier.js';
import { startService } from '../../src/main.js';
import type { Services } from '../../src/services.js';
import { MemoryStore } from '../../src/store/memory/memory.store.js';

export const TEST_JWT_SECRET = 'test-only-hs256-secret-0123456789abcdef';

/** Environment overrides, as strings, exactly like process.env would hold them. */
export type EnvOverrides = Partial<Record<keyof Env, string>>;

export interface TestServerOptions {
  store?: MemoryStore;
  clock?: Clock;
}

export interface Claims {
  sub?: string;
  /** null: no email claim at all (the default for a pure `service` token). */
  email?: string | null;
  roles?: AuthRole[];
  /** "1h", "-5m" (already expired) … */
  ttl?: string;
  /** The `email_verified` claim (default true). */
  emailVerified?: boolean;
}

export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
  headers: Headers;
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export interface TestServer {
  url: string;
  graphqlUrl: string;
  config: Config;
  store: MemoryStore;
  services: Services;
  /** Everything the server logged (warn and error at least), for assertions. */
  logs: LogRecord[];
  token(claims?: Claims): Promise<string>;
  /** A fresh user (or support / admin) with a token; the account exists once this returns. */
  signIn(claims?: Claims): Promise<{ token: string; subject: string; email: string; accountId: string }>;
  /** POSTs a GraphQL request; never throws on GraphQL errors, so tests can assert on them. */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GqlResult<T>>;
  /** Like `gql` but throws when the response has errors; returns `data`. */
  gqlData<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  close(): Promise<void>;
}

export async function startTestServer(env: EnvOverrides = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = env.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'noi-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PROCESS_ROLES: 'api',
    LOG_LEVEL: 'warn',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: dataDir,
    ...env,
  });
  const store = options.store ?? new MemoryStore();
  const logs: LogRecord[] = [];
  const record =
    (level: LogRecord['level']) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: record('warn'),
    error: record('error'),
  };
  const running = await startService({ config, store, logger, clock: options.clock });
  const graphqlUrl = `${running.url}/graphql`;

  const token = async (claims: Claims = {}): Promise<string> => {
    const roles = claims.roles ?? ['user'];
    const id = randomUUID().slice(0, 8);
    const email =
      claims.email === null
        ? undefined
        : (claims.email ?? (roles.every((r) => r === 'service') ? undefined : `u-${id}@example.com`));
    return signDevToken({
      secret: config.AUTH_JWT_SECRET ?? TEST_JWT_SECRET,
      subject: claims.sub ?? `test|${id}`,
      email,
      emailVerified: claims.emailVerified,
      roles,
      ttl: claims.ttl,
      issuer: config.AUTH_JWT_ISSUER,
      audience: config.AUTH_JWT_AUDIENCE,
    });
  };

  const gql = async <T>(
    query: string,
    variables: Record<string, unknown> = {},
    bearer?: string,
  ): Promise<GqlResult<T>> => {
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: T | null; errors?: GraphQLFormattedError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 300)}`);
    }
    return { status: res.status, data: body.data, errors: body.errors, headers: res.headers };
  };

  const gqlData = async <T>(query: string, variables?: Record<string, unknown>, bearer?: string): Promise<T> => {
    const r = await gql<T>(query, variables, bearer);
    if (r.errors?.length || !r.data) throw new Error(`GraphQL errors (HTTP ${r.status}): ${JSON.stringify(r.errors)}`);
    return r.data;
  };

  const signIn = async (claims: Claims = {}) => {
    const id = randomUUID().slice(0, 8);
    const subject = claims.sub ?? `test|${id}`;
    const email = claims.email ?? `u-${id}@example.com`;
    const t = await token({ ...claims, sub: subject, email });
    const data = await gqlData<{ me: { id: string } }>('{ me { id } }', {}, t);
    return { token: t, subject, email, accountId: data.me.id };
  };

  return {
    url: running.url,
    graphqlUrl,
    config,
    store,
    services: running.services,
    logs,
    token,
    signIn,
    gql,
    gqlData,
    close: async () => {
      await running.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
