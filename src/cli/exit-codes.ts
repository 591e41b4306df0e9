import { CommanderError } from 'commander';
import { DomainError, type ErrorCode } from '../domain/errors.js';

/** What an operator's script can tell from the exit status alone (0 is success). */
export const CHECK_FAILED_EXIT = 2;

/** Every domain error code, decided once for the CLI (adding a code fails the build here). */
export const EXIT_CODES: Record<ErrorCode, number> = {
  CONFIGURATION: 1,
  BAD_USER_INPUT: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  IDEMPOTENCY_KEY_REUSED: 5,
  INSUFFICIENT_CREDITS: 5,
  ACCOUNT_FROZEN: 5,
  UNAUTHENTICATED: 1,
  FORBIDDEN: 1,
  UPSTREAM_FAILED: 6,
  RATE_LIMITED: 6,
  MAINTENANCE: 6,
  INTERNAL: 7,
};

const MEANINGS: Record<number, string> = {
  0: 'success',
  1: 'not here: the configuration is missing or does not allow this command (CONFIGURATION, UNAUTHENTICATED, FORBIDDEN)',
  2: 'the command ran and found problems (ledger drift, a backup failing verify, sessions not settled)',
  3: 'bad arguments or input (BAD_USER_INPUT, unknown command or option)',
  4: 'not found (NOT_FOUND)',
  5: 'refused by a rule (CONFLICT, IDEMPOTENCY_KEY_REUSED, INSUFFICIENT_CREDITS, ACCOUNT_FROZEN)',
  6: 'temporary: an upstream service failed or refused; try again later (UPSTREAM_FAILED, RATE_LIMITED, MAINTENANCE)',
  7: 'internal error: a bug; the message and the logs say where (INTERNAL, any unexpected error)',
};

/** The exit status table, as `--help` prints it and README.md documents it. */
export const EXIT_STATUS_HELP = [
  'Exit status:',
  ...Object.entries(MEANINGS).map(([status, meaning]) => `  ${status.padStart(2)}  ${meaning}`),
].join('\n');

/** The exit status and the stderr line for an error that ended a command. */
export function exitFor(error: unknown): { status: number; message: string | null } {
  // Commander has printed its own message (usage, unknown command); --help and --version exit 0.
  if (error instanceof CommanderError)
    return { status: error.exitCode === 0 ? 0 : EXIT_CODES.BAD_USER_INPUT, message: null };
  const text = error instanceof Error ? error.message : String(error);
  const code: ErrorCode = error instanceof DomainError ? error.code : 'INTERNAL';
  return { status: EXIT_CODES[code], message: `error [${code}]: ${text}` };
}
