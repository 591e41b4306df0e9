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

const REASON_MAX = 500;
export const reasonText = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'must not be empty')
  .max(REASON_MAX, `must be at most ${REASON_MAX} characters`);

/** Idempotency keys of at most `max` characters; '#' is reserved for keys the ledger derives itself. */
const KEY_CHARS = /^[A-Za-z0-9_.:-]+$/;
const keyOf = (max: number) =>
  z
    .string({ error: 'is required' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(KEY_CHARS, 'may contain only letters, digits and _ . : -');
/** A key as a caller may choose it. */
export const idempotencyKey = keyOf(200);
/**
 * A key as stored: a caller's key in its namespace (see `callerKey`) is a few characters longer,
 * so a caller's 200-character key must still pass here.
 */
const STORED_KEY_MAX = 220;
export const storedIdempotencyKey = keyOf(STORED_KEY_MAX);

const ENTITY_ID_MAX = 100;
export const entityId = z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(ENTITY_ID_MAX);

export const emailAddress = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }))
  .refine((s) => s.length <= 254, 'is too long');

/** Who did something: the one schema of `Actor` (ports/documents.ts) that every input is checked against. */
const ACTOR_TEXT_MAX = 200;
export const actorSchema = z.object({
  type: z.enum(ACTOR_TYPES),
  id: z.string().min(1).max(ACTOR_TEXT_MAX),
  name: z.string().max(ACTOR_TEXT_MAX).optional(),
});

/**
 * Plain checks for the hottest path (every spend), each true only for a value its schema above
 * accepts and returns as it is, so a caller may skip the schema for it (zod costs a spend a few µs,
 * about a tenth of it). Anything else, every refusal included, still goes through the schema,
 * which words the error. test/unit/domain/validation.test.ts holds each check to its schema.
 */
export const alreadyValid = {
  creditAmount: (v: unknown): v is number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_CREDITS_PER_CALL,
  reasonText: (v: unknown): v is string => typeof v === 'string' && v.length <= REASON_MAX && trimmedNonEmpty(v),
  entityId: (v: unknown): v is string => typeof v === 'string' && v.length <= ENTITY_ID_MAX && trimmedNonEmpty(v),
  storedIdempotencyKey: (v: unknown): v is string =>
    typeof v === 'string' && v.length <= STORED_KEY_MAX && KEY_CHARS.test(v),
};

const trimmedNonEmpty = (s: string): boolean => s.length > 0 && s.trim() === s;

/**
 * What `actorSchema` returns for `v` (a new object with the schema's fields only), or null when
 * that takes the schema: a refusal, an explicitly undefined name, anything but a plain object.
 */
export function plainActor(v: unknown): z.output<typeof actorSchema> | null {
  if (!isPlainRecord(v)) return null;
  const { type, id, name } = v;
  if (typeof id !== 'string' || id.length < 1 || id.length > ACTOR_TEXT_MAX) return null;
  if (!(ACTOR_TYPES as readonly unknown[]).includes(type)) return null;
  const actorType = type as (typeof ACTOR_TYPES)[number];
  if (name === undefined) return 'name' in v ? null : { type: actorType, id };
  return typeof name === 'string' && name.length <= ACTOR_TEXT_MAX ? { type: actorType, id, name } : null;
}

/** A plain object, as zod's object schemas read one; anything more exotic takes the schema. */
export const isPlainRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
