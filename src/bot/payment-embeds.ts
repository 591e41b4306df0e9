import { ButtonStyle, ComponentType, TimestampStyles, time } from 'discord.js';
import type { EventResult } from '../domain/payments/stripe-events.service.js';
import type { WebhookFailure } from '../domain/payments/purchase.types.js';
import type {
  DiagnosedSession,
  GrantMissingResult,
  PaymentDiagnosis,
} from '../domain/support/payment-support.types.js';
import type { BotMessage } from './bot-interaction.js';
import { customId } from './command.types.js';
import { COLORS, accountLine, lines } from './embeds.js';

export const DIAGNOSE_PREFIX = 'credits-diagnose';

const STRIPE_VIEW: Record<PaymentDiagnosis['stripe'], string> = {
  checked: "Stripe's list of the customer's Checkout sessions was checked.",
  not_configured: 'Stripe is not configured on this server: only our own records are shown.',
  no_customer: 'The account has no Stripe customer yet: it never started a Checkout through us.',
};

const sessionLine = (s: DiagnosedSession): string =>
  [
    `${s.missingGrant ? '⚠️ ' : ''}\`${s.checkoutSessionId}\``,
    `${s.packageId ?? '?'} · ${s.credits ?? '?'} credits`,
    `Stripe: ${s.stripeStatus ? `${s.stripeStatus}/${s.paymentStatus}` : 'not listed'}`,
    `ours: ${s.purchaseStatus ?? 'no record'} · granted ${s.creditsGranted}`,
    time(s.createdAt, TimestampStyles.ShortDate),
  ].join(' · ');

const failureLine = (f: WebhookFailure): string =>
  `\`${f.eventId}\` ${f.type}${f.checkoutSessionId ? ` (${f.checkoutSessionId})` : ''} · ${f.attempts} attempt${
    f.attempts === 1 ? '' : 's'
  } · last ${time(f.lastSeenAt, TimestampStyles.RelativeTime)} · ${f.error.slice(0, 120)}`;

export function diagnosisMessage(d: PaymentDiagnosis): BotMessage {
  const missingCredits = d.missing.reduce((n, s) => n + (s.credits ?? 0), 0);
  return {
    embeds: [
      {
        title: `Payments of ${d.account.email}`,
        color: d.missing.length > 0 ? COLORS.warn : COLORS.ok,
        description: [accountLine(d.account), STRIPE_VIEW[d.stripe]].join('\n'),
        fields: [
          { name: 'Balance', value: String(d.account.balance), inline: true },
          { name: 'Available', value: String(d.account.available), inline: true },
          { name: 'Checkout sessions', value: lines(d.sessions.slice(0, 10).map(sessionLine), 'none') },
          {
            name: 'Paid without credits',
            value:
              d.missing.length === 0
                ? '_none: every paid session was granted_'
                : lines(
                    d.missing.map((s) => `\`${s.checkoutSessionId}\` · ${s.credits ?? '?'} credits`),
                    'none',
                  ),
          },
          { name: 'Open webhook failures', value: lines(d.openFailures.map(failureLine), 'none') },
        ],
      },
    ],
    components: d.grantPrompt
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Success,
                label: `Grant missing credits (${missingCredits})`,
                custom_id: customId(DIAGNOSE_PREFIX, 'grant', d.grantPrompt.id),
              },
            ],
          },
        ]
      : [],
  };
}

const GRANT_OUTCOME: Record<GrantMissingResult['sessions'][number]['outcome'], string> = {
  granted: 'granted now',
  already_granted: 'already granted, nothing changed',
  not_paid: 'not paid at Stripe any more, not granted',
  not_found: 'not listed by Stripe, not granted',
};

export function grantResultMessage(r: GrantMissingResult): BotMessage {
  return {
    embeds: [
      {
        title: r.granted > 0 ? `Granted ${r.granted} missing credits` : 'Nothing more to grant',
        color: r.granted > 0 ? COLORS.ok : COLORS.info,
        description: [
          accountLine(r.account),
          ...r.sessions.map((s) => `\`${s.checkoutSessionId}\` · ${s.credits} credits · ${GRANT_OUTCOME[s.outcome]}`),
        ].join('\n'),
        fields: [
          { name: 'Balance', value: String(r.account.balance), inline: true },
          { name: 'Available', value: String(r.account.available), inline: true },
        ],
      },
    ],
  };
}

/** `more`: older open failures exist beyond the ones shown. */
export const failuresMessage = (failures: WebhookFailure[], more = false): BotMessage => ({
  embeds: [
    {
      title:
        failures.length === 0
          ? 'No open webhook failures'
          : more
            ? `The ${failures.length} most recent open webhook failures (there are more)`
            : `${failures.length} open webhook failure(s)`,
      color: failures.length === 0 ? COLORS.ok : COLORS.warn,
      description: lines(failures.map(failureLine), 'Every Stripe event was applied.', 4000),
      footer: failures.length > 0 ? { text: 'Fix the cause, then /webhooks replay event_id:…' } : undefined,
    },
  ],
});

const REPLAY_TITLE: Record<EventResult['status'], string> = {
  processed: 'Event applied',
  duplicate: 'Already applied before: nothing changed',
  ignored: 'Event ignored (not one we act on)',
  failed: 'Event failed again',
};

export const replayMessage = (r: EventResult): BotMessage => ({
  embeds: [
    {
      title: REPLAY_TITLE[r.status],
      color: r.status === 'failed' ? COLORS.error : r.status === 'processed' ? COLORS.ok : COLORS.info,
      description: [
        `\`${r.eventId}\` ${r.type}`,
        `Outcome: ${r.outcome}`,
        ...(r.ledgerEntryId ? [`Ledger entry: \`${r.ledgerEntryId}\``] : []),
        ...(r.error ? [`Error: ${r.error.slice(0, 500)}`] : []),
      ].join('\n'),
    },
  ],
});
