import { z } from 'zod';
import {
  actorSchema,
  alreadyValid,
  creditAmount,
  entityId,
  isPlainRecord,
  parseInput,
  plainActor,
  reasonText,
  signedCreditAmount,
  storedIdempotencyKey,
} from '../validation.js';

/** The ledger's inputs: one zod schema each (the authority, and the wording of every refusal). */
const SOURCE_TYPES = ['stripe', 'support', 'analysis', 'system'] as const;
const SOURCE_REF_MAX = 200;
const source = z.object({
  type: z.enum(SOURCE_TYPES),
  ref: z.string().max(SOURCE_REF_MAX).optional(),
});
const base = { accountId: entityId, reason: reasonText, idempotencyKey: storedIdempotencyKey, actor: actorSchema };
export const grantInput = z.object({
  ...base,
  amount: creditAmount,
  kind: z.enum(['purchase', 'bonus', 'adjustment']).default('purchase'),
  source,
});
export const spendInput = z.object({ ...base, amount: creditAmount, source: source.default({ type: 'system' }) });
export const adjustInput = z.object({
  ...base,
  amount: signedCreditAmount,
  clampToAvailable: z.boolean().default(false),
});
export const clawbackInput = z.object({
  ...base,
  amount: creditAmount,
  kind: z.enum(['refund_clawback', 'dispute_clawback']),
  source,
});

export type GrantInput = z.input<typeof grantInput>;
export type SpendInput = z.input<typeof spendInput>;
export type ReserveInput = z.input<typeof spendInput>;
export type AdjustInput = z.input<typeof adjustInput>;
export type ClawbackInput = z.input<typeof clawbackInput>;
type Spend = z.output<typeof spendInput>;

/**
 * `spendInput`'s answer for `input`. A spend as callers send it (plain objects, trimmed text, no
 * source or a plain one) is checked field by field and built here, exactly as the schema would
 * build it (the same fields in the same order, new actor and source objects); every other input,
 * every refusal included, goes through the schema. Each spend saves the few µs zod costs.
 */
export function parseSpend(input: SpendInput): Spend {
  return plainSpend(input) ?? parseInput(spendInput, input);
}

function plainSpend(input: unknown): Spend | null {
  if (!isPlainRecord(input)) return null;
  const { accountId, reason, idempotencyKey, amount } = input;
  if (!alreadyValid.entityId(accountId) || !alreadyValid.reasonText(reason)) return null;
  if (!alreadyValid.storedIdempotencyKey(idempotencyKey) || !alreadyValid.creditAmount(amount)) return null;
  const actor = plainActor(input.actor);
  const from = input.source === undefined ? { type: 'system' as const } : plainSource(input.source);
  if (!actor || !from) return null;
  return { accountId, reason, idempotencyKey, actor, amount, source: from };
}

function plainSource(v: unknown): Spend['source'] | null {
  if (!isPlainRecord(v)) return null;
  const { type, ref } = v;
  if (!(SOURCE_TYPES as readonly unknown[]).includes(type)) return null;
  const sourceType = type as (typeof SOURCE_TYPES)[number];
  if (ref === undefined) return 'ref' in v ? null : { type: sourceType };
  return typeof ref === 'string' && ref.length <= SOURCE_REF_MAX ? { type: sourceType, ref } : null;
}

/**
 * `fingerprint('spend', amount, reason, source)`, character for character (stored entries are
 * compared with it when a key comes back), without JSON.stringify walking an array and an object
 * on every spend: the source's type is one of a few plain words, so only the texts need escaping.
 */
export function spendFingerprint(amount: number, reason: string, from: Spend['source']): string {
  const ref = from.ref === undefined ? '' : `,"ref":${JSON.stringify(from.ref)}`;
  return `["spend",${JSON.stringify(amount)},${JSON.stringify(reason)},{"type":"${from.type}"${ref}}]`;
}
