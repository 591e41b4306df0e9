import { z } from 'zod';
import {
  actorSchema,
  creditAmount,
  entityId,
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
