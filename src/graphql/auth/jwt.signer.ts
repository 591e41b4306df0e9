import { SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { badInput, DomainError } from '../../domain/errors.js';
import { resolveHs256Secret, type AuthKeyConfig } from './dev-jwt-secret.js';
import { AUTH_ROLES, type AuthRole } from './jwt.verifier.js';

export interface DevTokenInput {
  secret: string;
  subject: string;
  email?: string;
  /** `email_verified` claim sent with the email (default true: the developer typed the address). */
  emailVerified?: boolean;
  roles: AuthRole[];
  /** jose time span: "1h", "30m", "7d" … */
  ttl?: string;
  issuer?: string;
  audience?: string;
  /** The claim the server reads roles from (AUTH_ROLES_CLAIM); default `roles`. */
  rolesClaim?: string;
  now?: Date;
}

/** Signs an HS256 token the way an identity provider would; for development and tests only. */
export async function signDevToken(input: DevTokenInput): Promise<string> {
  const now = input.now ?? new Date();
  const email = input.email ? { email: input.email, email_verified: input.emailVerified ?? true } : {};
  const claims = { [input.rolesClaim ?? 'roles']: input.roles, ...email };
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(input.subject)
    .setIssuedAt(now)
    .setExpirationTime(expiry(now, input.ttl ?? '1h'));
  if (input.issuer) jwt = jwt.setIssuer(input.issuer);
  if (input.audience) jwt = jwt.setAudience(input.audience);
  return jwt.sign(new TextEncoder().encode(input.secret));
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds since the epoch `ttl` after `now`; negative spans make expired tokens (tests). */
function expiry(now: Date, ttl: string): number {
  return Math.floor(now.getTime() / 1000) + ttlSeconds(ttl);
}

function ttlSeconds(ttl: string): number {
  const m = /^(-?\d+)\s*([smhd])$/.exec(ttl.trim());
  if (!m) throw badInput(`ttl: use a number and one of s, m, h, d (like 1h), not "${ttl}"`);
  return Number(m[1]) * (UNITS[m[2]!] ?? 0);
}

export interface IssueDevTokenInput {
  email?: string;
  /** Comma-separated role names, as typed on the command line. */
  roles: string;
  sub?: string;
  ttl: string;
}

export interface IssuedDevToken {
  token: string;
  subject: string;
  email?: string;
  roles: AuthRole[];
}

/**
 * What `npm run cli -- token` does: checks the request and signs with the same secret the server
 * verifies with (AUTH_JWT_SECRET, or the generated development secret). Never in production.
 */
export async function issueDevToken(
  config: AuthKeyConfig &
    Pick<Config, 'AUTH_JWT_ISSUER' | 'AUTH_JWT_AUDIENCE'> &
    Partial<Pick<Config, 'AUTH_ROLES_CLAIM' | 'AUTH_MAX_TOKEN_AGE'>>,
  input: IssueDevTokenInput,
): Promise<IssuedDevToken> {
  if (config.NODE_ENV === 'production')
    throw new DomainError('FORBIDDEN', 'development tokens are refused when NODE_ENV=production');
  const roles = input.roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(AUTH_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0)
    throw badInput(`--roles: unknown role "${unknown.join(', ')}"; use ${AUTH_ROLES.join(', ')}`);
  const email = input.email?.trim().toLowerCase();
  if (email !== undefined && !z.email().safeParse(email).success) throw badInput('--email: not an email address');
  if (!email && roles.some((r) => r !== 'service'))
    throw badInput('--email: required for user, support and admin tokens');
  const maxAge = config.AUTH_MAX_TOKEN_AGE;
  if (maxAge !== undefined && roles.some((r) => r !== 'service') && ttlSeconds(input.ttl) > maxAge)
    throw badInput(`--ttl: person tokens live at most AUTH_MAX_TOKEN_AGE (${maxAge} s); the server would refuse it`);
  const subject = input.sub ?? (email ? `dev|${email}` : undefined);
  if (!subject) throw badInput('--sub: required for a service token without --email');
  const secret = resolveHs256Secret(config);
  if (!secret)
    throw new DomainError(
      'CONFIGURATION',
      'this deployment verifies tokens through AUTH_JWKS_URL: get a token from that identity provider',
    );
  const token = await signDevToken({
    secret,
    subject,
    email,
    roles: roles as AuthRole[],
    ttl: input.ttl,
    issuer: config.AUTH_JWT_ISSUER,
    audience: config.AUTH_JWT_AUDIENCE,
    rolesClaim: config.AUTH_ROLES_CLAIM,
  });
  return { token, subject, email, roles: roles as AuthRole[] };
}
