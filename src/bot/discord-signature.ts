import { createPublicKey, verify, type KeyObject } from 'node:crypto';

// DER header of an Ed25519 SubjectPublicKeyInfo; Discord hands out the raw 32-byte key in hex.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function discordPublicKey(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32) throw new Error('DISCORD_PUBLIC_KEY must be 32 bytes (64 hex characters)');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export type SignatureCheck = 'ok' | 'missing' | 'bad_signature' | 'stale';

/**
 * Discord signs `timestamp + rawBody` with Ed25519. A valid signature on an old timestamp is a
 * replay: refused beyond `toleranceSeconds` either way.
 */
export function checkDiscordSignature(input: {
  key: KeyObject;
  signature: string | undefined;
  timestamp: string | undefined;
  body: Buffer;
  now: Date;
  toleranceSeconds?: number;
}): SignatureCheck {
  const { signature, timestamp } = input;
  if (!signature || !timestamp) return 'missing';
  if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return 'bad_signature';
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), input.body]);
  if (!verify(null, signed, input.key, Buffer.from(signature, 'hex'))) return 'bad_signature';
  const skew = Math.abs(input.now.getTime() / 1000 - Number(timestamp));
  return skew > (input.toleranceSeconds ?? 300) ? 'stale' : 'ok';
}
