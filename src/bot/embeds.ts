import { ButtonStyle, ComponentType, TimestampStyles, time, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Account } from '../domain/accounts/account.types.js';
import type { LedgerEntry } from '../domain/ledger/ledger.types.js';
import type { AccountOverview, BalanceChange, HistoryPage, PendingRemoval } from '../domain/support/support.types.js';
import type { BotMessage } from './bot-interaction.js';
import { customId } from './command.types.js';

export const COLORS = { ok: 0x2ecc71, warn: 0xf1c40f, error: 0xe74c3c, info: 0x3498db } as const;

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

export const accountLine = (a: Account): string => `${a.email} (\`${a.id}\`)`;

export const entryLine = (e: LedgerEntry): string =>
  `\`${signed(e.amount)}\` ${e.kind} → ${e.balanceAfter} · ${time(e.createdAt, TimestampStyles.ShortDateTime)} · ${e.reason}`;

const balanceFields = (a: Account): APIEmbedField[] => [
  { name: 'Balance', value: String(a.balance), inline: true },
  { name: 'Reserved', value: String(a.reserved), inline: true },
  { name: 'Available', value: String(a.available), inline: true },
];

export function balanceChangeMessage(c: BalanceChange): BotMessage {
  const added = c.entry.amount > 0;
  const moved = Math.abs(c.entry.amount);
  const title = `${added ? 'Added' : 'Removed'} ${moved} credit${moved === 1 ? '' : 's'}`;
  const notes = [
    c.clamped ? `Asked to remove ${c.requested}; only ${moved} were available, so ${moved} were removed.` : null,
    c.replayed ? 'This request was already applied; nothing changed this time.' : null,
  ].filter((x): x is string => x !== null);
  const embed: APIEmbed = {
    title,
    color: c.clamped ? COLORS.warn : COLORS.ok,
    description: [accountLine(c.account), ...notes].join('\n'),
    fields: [
      { name: 'Balance before → after', value: `${c.balanceBefore} → ${c.entry.balanceAfter}` },
      ...balanceFields(c.account),
      { name: 'Reason', value: c.entry.reason },
      { name: 'Ledger entry', value: `\`${c.entry.id}\``, inline: true },
    ],
  };
  return { embeds: [embed] };
}

export const REMOVE_PREFIX = 'credits-remove';

export function confirmationMessage(p: PendingRemoval): BotMessage {
  const why = [
    p.because.includes('above_threshold') ? `${p.amount} is above the confirmation threshold` : null,
    p.because.includes('above_available')
      ? `${p.amount} is more than the ${p.account.available} available; confirming removes ${p.wouldRemove}`
      : null,
  ].filter((x): x is string => x !== null);
  return {
    embeds: [
      {
        title: `Confirm removing ${p.amount} credits?`,
        color: COLORS.warn,
        description: [accountLine(p.account), ...why.map((w) => `• ${w}`)].join('\n'),
        fields: [
          ...balanceFields(p.account),
          { name: 'Reason', value: p.reason },
          { name: 'Expires', value: time(p.expiresAt, TimestampStyles.RelativeTime) },
        ],
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.Button,
            style: ButtonStyle.Danger,
            label: `Remove ${p.wouldRemove}`,
            custom_id: customId(REMOVE_PREFIX, 'confirm', p.id),
          },
          {
            type: ComponentType.Button,
            style: ButtonStyle.Secondary,
            label: 'Cancel',
            custom_id: customId(REMOVE_PREFIX, 'cancel', p.id),
          },
        ],
      },
    ],
  };
}

export function overviewMessage(o: AccountOverview): BotMessage {
  const a = o.account;
  const purchases = o.recentPurchases.map(
    (p) =>
      `\`${p.checkoutSessionId}\` ${p.packageId} · ${p.credits} credits · ${p.status} · granted ${p.creditsGranted} · ${time(p.createdAt, TimestampStyles.ShortDate)}`,
  );
  return {
    embeds: [
      {
        title: a.email,
        color: a.status === 'frozen' ? COLORS.warn : COLORS.info,
        description: `Account \`${a.id}\`${a.discordUserId ? ` · linked to <@${a.discordUserId}>` : ''}`,
        fields: [
          { name: 'Status', value: a.status, inline: true },
          ...balanceFields(a),
          { name: 'Last 10 ledger entries', value: lines(o.recentEntries.map(entryLine), 'no entries yet') },
          { name: 'Last purchases', value: lines(purchases, 'no purchases') },
        ],
      },
    ],
  };
}

export function historyMessage(h: HistoryPage): BotMessage {
  return {
    embeds: [
      {
        title: `Ledger of ${h.account.email} — page ${h.page}`,
        color: COLORS.info,
        description: lines(h.entries.map(entryLine), h.page === 1 ? 'no entries yet' : 'no entries on this page'),
        footer: { text: h.hasMore ? `More on page ${h.page + 1}` : 'End of the ledger' },
      },
    ],
  };
}

export const notice = (title: string, description: string, color: number = COLORS.info): BotMessage => ({
  embeds: [{ title, description, color }],
});

/** Embed text is limited (1024 characters per field value); long lists are cut with a marker. */
export function lines(items: string[], empty: string, limit = 1000): string {
  if (items.length === 0) return `_${empty}_`;
  let out = '';
  for (const [i, item] of items.entries()) {
    const next = out ? `${out}\n${item}` : item;
    if (next.length > limit) return `${out}\n… ${items.length - i} more`;
    out = next;
  }
  return out;
}
