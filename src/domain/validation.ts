import { z } from 'zod';
import { badInput } from './errors.js';
import { ACTOR_TYPES } from './ports/documents.js';

/** Parses input against a zod schema; a failure becomes BAD_USER_INPUT naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || 'input';
  throw badInput(`${field}: ${issue?.message ?? 'invalid'}`, { field });
}

export const MAX_CREDITS_PER_CALL = 1_000_000;

export const creditAmount = z
  .number({ error: 'must be a number' })
  .refine((n) => Number.isFinite(n), 'must be a finite number')
  .refine((n) => Number.isInteger(n), 'must be a whole number of credits')
  .refine((n) => n >= 1, 'must be at least 1')
  .refine((n) => n <= MAX_CREDITS_PER_CALL, `must be at most ${MAX_CREDITS_PER_CALL}`);

export const signedCreditAmount = z
  .number({ error: 'must be a number' })
  .refine((n) => Number.isFinite(n), 'must be a finite number')
  .refine((n) => Number.isInteger(n), 'must be a whole number of credits')
  .refine((n) => n !== 0, 'must not be 0')
  .refine(
    (n) => Math.abs(n) <= MAX_CREDITS_PER_CALL,
    `must be between -${MAX_CREDITS_PER_CALL} and ${MAX_CREDITS_PER_CALL}`,
  );

export const reasonText = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters');

/** Idempotency keys of at most `max` characters; '#' is reserved for keys the ledger derives itself. */
const keyOf = (max: number) =>
  z
    .string({ error: 'is required' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');
/** A key as a caller may choose it. */
export const idempotencyKey = keyOf(200);
/**
 * A key as stored: a caller's key in its namespace (see `callerKey`) is a few characters longer,
 * so a caller's 200-character key must still pass here.
 */
export const storedIdempotencyKey = keyOf(220);

export const entityId = z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(100);

export const emailAddress = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }))
  .refine((s) => s.length <= 254, 'is too long');

/** Who did something: the one schema of `Actor` (ports/documents.ts) that every input is checked against. */
export const actorSchema = z.object({
  type: z.enum(ACTOR_TYPES),
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
});
