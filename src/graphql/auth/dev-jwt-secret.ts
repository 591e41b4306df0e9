import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.js';

export type AuthKeyConfig = Pick<Config, 'NODE_ENV' | 'DATA_DIR' | 'AUTH_JWT_SECRET' | 'AUTH_JWKS_URL'>;

export const devSecretPath = (config: Pick<Config, 'DATA_DIR'>): string => join(config.DATA_DIR, 'dev-jwt-secret');

/**
 * The HS256 secret the server verifies with and `cli token` signs with. AUTH_JWT_SECRET when set.
 * Outside production, with neither it nor a JWKS URL, both sides share a random secret generated
 * once into `${DATA_DIR}/dev-jwt-secret` (mode 0600), so a fresh clone can sign in without
 * configuring anything. Production never gets here: config requires AUTH_JWT_SECRET or AUTH_JWKS_URL.
 */
export function resolveHs256Secret(config: AuthKeyConfig): string | undefined {
  if (config.AUTH_JWT_SECRET) return config.AUTH_JWT_SECRET;
  if (config.AUTH_JWKS_URL || config.NODE_ENV === 'production') return undefined;
  return readOrCreateDevSecret(config);
}

function readOrCreateDevSecret(config: AuthKeyConfig): string {
  const path = devSecretPath(config);
  try {
    return readSecret(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  try {
    // 'wx': when two processes start at once, exactly one creates the file and the other reads it.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readSecret(path);
}

function readSecret(path: string): string {
  const secret = readFileSync(path, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${path}: the development JWT secret is too short; delete the file`);
  return secret;
}
