import { SignJWT } from 'jose';
import type { AuthRole } from './jwt.verifier.js';

export interface DevTokenInput {
  secret: string;
  subject: string;
  email?: string;
  roles: AuthRole[];
  /** jose time span: "1h", "30m", "7d" … */
  ttl?: string;
  issuer?: string;
  audience?: string;
  now?: Date;
}

/** Signs an HS256 token the way an identity provider would; for development and tests only. */
export async function signDevToken(input: DevTokenInput): Promise<string> {
  const now = input.now ?? new Date();
  let jwt = new SignJWT({ roles: input.roles, ...(input.email ? { email: input.email } : {}) })
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
  const m = /^(-?\d+)\s*([smhd])$/.exec(ttl.trim());
  if (!m) throw new Error(`ttl: use a number and one of s, m, h, d (like 1h), not "${ttl}"`);
  return Math.floor(now.getTime() / 1000) + Number(m[1]) * (UNITS[m[2]!] ?? 0);
}
