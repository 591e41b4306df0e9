import { stdSerializers } from 'pino';

/**
 * Secrets that travel inside URLs and error objects rather than in fields a redact path can name:
 * `@discordjs/rest` errors carry the request URL (a webhook's or an interaction's token is a path
 * segment) and the request body; driver errors and descriptions carry `user:password@` URLs.
 * Every logged value goes through `maskSecrets`, so a token never reaches the log whatever key or
 * message it hides in.
 */
const MASK = '[redacted]';

const TEXT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Discord: /webhooks/<id>/<token>[/…] and /interactions/<id>/<token>/callback
  [/(\/webhooks\/\d+\/)[^/?#\s"']+/g, `$1${MASK}`],
  [/(\/interactions\/\d+\/)[^/?#\s"']+/g, `$1${MASK}`],
  // user:password@ in any URL (MongoDB URIs, proxies)
  [/([a-z][a-z0-9+.-]*:\/\/)[^/@\s"']+@/gi, `$1${MASK}@`],
  // credentials written into a header value that ended up in a message
  [/\b(Bot|Bearer|Basic)\s+[\w.~+/=-]{8,}/g, `$1 ${MASK}`],
];

/** Keys whose value is dropped, not walked: request bodies of failed HTTP calls (they hold user data). */
const DROPPED_KEYS = new Set(['requestBody']);

export function maskSecretsInText(text: string): string {
  return TEXT_RULES.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), text);
}

/** A copy of `value` with every string masked; errors become plain objects (pino's `err` shape). */
export function maskSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskSecretsInText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > 10) return '[…]';
  seen.add(value);
  if (value instanceof Error) return maskSecrets({ ...stdSerializers.err(value) }, depth + 1, seen);
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!DROPPED_KEYS.has(k)) out[k] = maskSecrets(v, depth + 1, seen);
  return out;
}
