import { DomainError, type ErrorCode } from '../domain/errors.js';
import type { BotMessage } from './bot-interaction.js';
import { COLORS } from './embeds.js';

interface ErrorReply {
  title: string;
  /** `message`: the domain message is written for people and safe to show; `generic`: show `hint` only. */
  show: 'message' | 'generic';
  hint?: string;
  log: 'info' | 'warn' | 'error';
}

/** Every domain error code, in Discord's language. Exhaustive: a new code fails the build here. */
export const ERROR_REPLIES: Record<ErrorCode, ErrorReply> = {
  UNAUTHENTICATED: { title: 'Not signed in', show: 'message', log: 'info' },
  FORBIDDEN: { title: 'Not allowed', show: 'message', log: 'info' },
  NOT_FOUND: { title: 'Not found', show: 'message', log: 'info' },
  BAD_USER_INPUT: { title: 'Please check the input', show: 'message', log: 'info' },
  INSUFFICIENT_CREDITS: { title: 'Not enough credits', show: 'message', log: 'info' },
  IDEMPOTENCY_KEY_REUSED: {
    title: 'Already used',
    show: 'message',
    hint: 'Run the command again instead of replaying this one.',
    log: 'warn',
  },
  ACCOUNT_FROZEN: { title: 'Account frozen', show: 'message', log: 'info' },
  CONFLICT: { title: 'Could not do that', show: 'message', log: 'info' },
  RATE_LIMITED: { title: 'Slow down', show: 'message', hint: 'Try again in a minute.', log: 'info' },
  MAINTENANCE: {
    title: 'Maintenance',
    show: 'message',
    hint: 'Nothing was changed; run the command again later.',
    log: 'info',
  },
  CONFIGURATION: {
    title: 'Not configured',
    show: 'message',
    hint: 'An operator needs to finish the configuration.',
    log: 'warn',
  },
  UPSTREAM_FAILED: {
    title: 'A provider did not answer',
    show: 'generic',
    hint: 'Stripe or another provider failed; try again in a minute.',
    log: 'warn',
  },
  INTERNAL: { title: 'Something went wrong', show: 'generic', hint: 'Something went wrong on our side.', log: 'error' },
};

/** The ephemeral answer for any error; unknown errors get a reference the logs can be searched by. */
export function errorMessage(error: unknown, reference: string): { message: BotMessage; log: ErrorReply['log'] } {
  const known = error instanceof DomainError;
  const reply = ERROR_REPLIES[known ? error.code : 'INTERNAL'];
  const text =
    reply.show === 'message' && known
      ? [capitalise(error.message), reply.hint].filter(Boolean).join('\n')
      : `${reply.hint ?? ''}\nReference: \`${reference}\``.trim();
  return { message: { embeds: [{ title: reply.title, description: text, color: COLORS.error }] }, log: reply.log };
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
