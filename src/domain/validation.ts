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

/*
 * Every ledger movement parses its input here, a spend on the hottest path of all. Each zod check
 * (`.min`, `.max`, `.regex`, `.refine`) is a step of its own in zod's checker, and those steps were
 * most of a spend's parse; so each field's rules below are ONE check that raises the issue the
 * first failing built-in raised (same code, bounds and message: zod words it the same way).
 */
type Issue = z.core.$ZodRawIssue;
const custom = (input: number, message: string): Issue => ({ code: 'custom', input, message });

/** A field's rules as one zod check: `rule` answers the first issue, or undefined when all hold. */
const ruled =
  <T>(rule: (value: T) => Issue | undefined) =>
  (payload: z.core.ParsePayload<T>): void => {
    const issue = rule(payload.value);
    if (issue !== undefined) payload.issues.push(issue);
  };

/** The issues `.min(min)`, `.max(max)` and `.regex(pattern)` raise, checked in that order. */
interface TextRules {
  /** Trims the value first, as `.trim()` does (in the same check: `.trim()` is a step of its own too). */
  trim?: boolean;
  min: number;
  max: number;
  /** The messages; without one, zod's own wording (or the schema's `error`) answers. */
  tooShort?: string;
  tooLong?: string;
  pattern?: RegExp;
  mismatch?: string;
}
const withMessage = (issue: Issue, message: string | undefined): Issue =>
  message === undefined ? issue : { ...issue, message };
const textIssue = (s: string, r: TextRules): Issue | undefined => {
  if (s.length < r.min)
    return withMessage({ code: 'too_small', origin: 'string', minimum: r.min, inclusive: true, input: s }, r.tooShort);
  if (s.length > r.max)
    return withMessage({ code: 'too_big', origin: 'string', maximum: r.max, inclusive: true, input: s }, r.tooLong);
  if (r.pattern !== undefined && !r.pattern.test(s))
    return withMessage(
      { code: 'invalid_format', format: 'regex', origin: 'string', pattern: r.pattern.toString(), input: s },
      r.mismatch,
    );
  return undefined;
};
/** A string field under `rules`; `error` words what has no message of its own (a wrong type first). */
export const textField = (error: string | undefined, rules: TextRules) =>
  z.string(error === undefined ? undefined : { error }).check((payload) => {
    if (rules.trim === true) payload.value = payload.value.trim();
    const issue = textIssue(payload.value, rules);
    if (issue !== undefined) payload.issues.push(issue);
  });

/** A whole number of credits, 1 to MAX_CREDITS_PER_CALL (`z.number()` refuses NaN and ±Infinity itself). */
export const creditAmount = z.number({ error: 'must be a number' }).check(
  ruled<number>((n) => {
    if (!Number.isInteger(n)) return custom(n, 'must be a whole number of credits');
    if (n < 1) return custom(n, 'must be at least 1');
    if (n > MAX_CREDITS_PER_CALL) return custom(n, `must be at most ${MAX_CREDITS_PER_CALL}`);
    return undefined;
  }),
);

/** A whole number of credits, not 0, between -MAX_CREDITS_PER_CALL and MAX_CREDITS_PER_CALL. */
export const signedCreditAmount = z.number({ error: 'must be a number' }).check(
  ruled<number>((n) => {
    if (!Number.isInteger(n)) return custom(n, 'must be a whole number of credits');
    if (n === 0) return custom(n, 'must not be 0');
    if (Math.abs(n) > MAX_CREDITS_PER_CALL)
      return custom(n, `must be between -${MAX_CREDITS_PER_CALL} and ${MAX_CREDITS_PER_CALL}`);
    return undefined;
  }),
);

export const reasonText = textField('is required', {
  trim: true,
  min: 1,
  max: 500,
  tooShort: 'must not be empty',
  tooLong: 'must be at most 500 characters',
});

/** Idempotency keys of at most `max` characters; '#' is reserved for keys the ledger derives itself. */
const keyOf = (max: number) =>
  textField('is required', {
    min: 1,
    max,
    tooShort: 'must not be empty',
    tooLong: `must be at most ${max} characters`,
    pattern: /^[A-Za-z0-9_.:-]+$/,
    mismatch: 'may contain only letters, digits and _ . : -',
  });
/** A key as a caller may choose it. */
export const idempotencyKey = keyOf(200);
/**
 * A key as stored: a caller's key in its namespace (see `callerKey`) is a few characters longer,
 * so a caller's 200-character key must still pass here.
 */
export const storedIdempotencyKey = keyOf(220);

export const entityId = textField('is required', {
  trim: true,
  min: 1,
  max: 100,
  tooShort: 'must not be empty',
  tooLong: 'must be at most 100 characters',
});

export const emailAddress = z
  .string({ error: 'is required' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }))
  .refine((s) => s.length <= 254, 'is too long');

/** Who did something: the one schema of `Actor` (ports/documents.ts) that every input is checked against. */
export const actorSchema = z.object({
  type: z.enum(ACTOR_TYPES),
  id: textField(undefined, { min: 1, max: 200 }),
  name: textField(undefined, { min: 0, max: 200 }).optional(),
});
