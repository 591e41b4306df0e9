import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/runtime.port.js';

export const AUTH_ROLES = ['user', 'support', 'admin', 'service'] as const;
export type AuthRole = (typeof AUTH_ROLES)[number];

/** Who is calling, as the verified token says. */
export interface Principal {
  subject: string;
  /** Present for people (user/support/admin); a `service` token may have none. */
  email?: string;
  /** The identity provider vouches that `email` belongs to this subject (`email_verified: true`). */
  emailVerified: boolean;
  roles: AuthRole[];
}

export interface JwtVerifierOptions {
  /** HS256 shared secret (≥ 32 characters). */
  secret?: string;
  /** JWKS endpoint of an identity provider: RS256 / ES256 tokens. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** AUTH_ROLES_CLAIM: where the roles are (default `roles`); a dotted path reaches into objects. */
  rolesClaim?: string;
  /** AUTH_MAX_TOKEN_AGE in seconds: person tokens living longer (`exp − iat`) are refused. */
  maxTokenAgeSeconds?: number;
  clock?: Clock;
}

const HMAC_ALGS = ['HS256'];
const JWKS_ALGS = ['RS256', 'ES256'];
/** Leeway for clocks of the identity provider and this server drifting apart. */
const CLOCK_TOLERANCE_SECONDS = 30;

const DEFAULT_MAX_TOKEN_AGE_SECONDS = 24 * 3600;
/** Verified tokens remembered (the oldest is forgotten first). */
const VERIFIED_CACHE_SIZE = 10_000;

const claims = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  // Some identity providers (Cognito) send the flag as a string; anything else means "not verified".
  email_verified: z
    .unknown()
    .optional()
    .transform((v) => v === true || v === 'true'),
  exp: z.number(),
  iat: z.number().optional(),
});
/** Identity providers send roles as an array, or as one space-separated string (like `scope`). */
const rolesValue = z
  .union([z.array(z.string()), z.string().transform((s) => s.split(/\s+/).filter(Boolean))])
  .optional();

const unauthenticated = (reason: string): DomainError =>
  new DomainError('UNAUTHENTICATED', `invalid token: ${reason}`, { reason });

/**
 * Verifies `Authorization: Bearer` JWTs with jose. The accepted algorithms are pinned per key type,
 * so `alg: none` and algorithm-confusion tokens (HS256 signed with a public key) never verify.
 */
export class JwtVerifier {
  private readonly secret?: Uint8Array;
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;
  /**
   * Tokens already verified, by the token string, until their `exp` (the clock skew tolerance is
   * not extended to them): a frontend sends the same token on every request, and checking its
   * signature and claims again costs more than the rest of a small request. Only successes are kept.
   */
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly options: JwtVerifierOptions) {
    if (!options.secret && !options.jwksUrl) throw new Error('JwtVerifier needs a secret or a JWKS URL');
    if (options.secret) this.secret = new TextEncoder().encode(options.secret);
    if (options.jwksUrl) this.jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  }

  async verify(token: string): Promise<Principal> {
    const now = (this.options.clock?.now() ?? new Date()).getTime();
    const cached = this.verified.get(token);
    if (cached && now < cached.expiresAtMs) return cached.principal;
    if (cached) this.verified.delete(token);
    const { principal, exp } = await this.verifyFully(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, { principal, expiresAtMs: exp * 1000 });
    return principal;
  }

  private async verifyFully(token: string): Promise<{ principal: Principal; exp: number }> {
    let payload: JWTPayload;
    try {
      payload = await this.verifySignature(token);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw unauthenticated(describe(error));
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw unauthenticated(`bad claim ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
    const { sub, email, email_verified: emailVerified, exp, iat } = parsed.data;
    const rolesClaim = this.options.rolesClaim ?? 'roles';
    const rawRoles = rolesValue.safeParse(claimAt(payload, rolesClaim));
    if (!rawRoles.success) throw unauthenticated(`bad claim ${rolesClaim}`);
    // Unknown role names (an identity provider's own groups) are ignored; no known role = `user`.
    const known = (rawRoles.data ?? []).filter((r): r is AuthRole => (AUTH_ROLES as readonly string[]).includes(r));
    const roles: AuthRole[] = known.length > 0 ? [...new Set(known)] : ['user'];
    const person = roles.some((r) => r !== 'service');
    if (person && !email) throw unauthenticated('the email claim is required for user tokens');
    if (person) this.checkLifetime(exp, iat);
    return { principal: { subject: sub, email, emailVerified: Boolean(email && emailVerified), roles }, exp };
  }

  /**
   * A stolen person token must not stay useful for long: its lifetime (`exp − iat`, or what is left
   * of it when there is no `iat`) may not exceed AUTH_MAX_TOKEN_AGE. Service tokens are exempt.
   */
  private checkLifetime(exp: number, iat: number | undefined): void {
    const max = this.options.maxTokenAgeSeconds ?? DEFAULT_MAX_TOKEN_AGE_SECONDS;
    const start = iat ?? Math.floor((this.options.clock?.now() ?? new Date()).getTime() / 1000);
    if (exp - start > max + CLOCK_TOLERANCE_SECONDS)
      throw unauthenticated(`lifetime over ${max} s (AUTH_MAX_TOKEN_AGE)`);
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const { alg } = decodeProtectedHeader(token);
    const common = {
      issuer: this.options.issuer,
      audience: this.options.audience,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: this.options.clock?.now(),
    };
    if (alg && HMAC_ALGS.includes(alg) && this.secret)
      return (await jwtVerify(token, this.secret, { ...common, algorithms: HMAC_ALGS })).payload;
    if (alg && JWKS_ALGS.includes(alg) && this.jwks) {
      try {
        return (await jwtVerify(token, this.jwks, { ...common, algorithms: JWKS_ALGS })).payload;
      } catch (error) {
        // The identity provider's key endpoint being down is not the caller's fault.
        if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError))
          throw new DomainError('UPSTREAM_FAILED', 'the identity provider keys could not be fetched', {
            cause: error instanceof Error ? error.message : String(error),
          });
        throw error;
      }
    }
    throw new errors.JOSEAlgNotAllowed(`"alg" (Algorithm) Header Parameter value not allowed`);
  }
}

/** The claim named `name`, or (when there is none) the value at its dotted path, e.g. `realm_access.roles`. */
function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no matching key';
  return 'malformed';
}
