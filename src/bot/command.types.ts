import type { SlashCommandSubcommandBuilder } from 'discord.js';
import type { Actor } from '../domain/ports/documents.js';
import type { StripeEventsService } from '../domain/payments/stripe-events.service.js';
import type { BackupSupportService } from '../domain/support/backup-support.service.js';
import type { PaymentSupportService } from '../domain/support/payment-support.service.js';
import type { SupportService } from '../domain/support/support.service.js';
import type { BotInteraction, BotMessage } from './bot-interaction.js';

/** Who may run a handler; the dispatcher checks it on every call. Admin roles include support. */
export type Access = 'support' | 'admin';

/** The domain services commands may call (the same instances GraphQL uses). */
export interface BotServices {
  support: SupportService;
  paymentSupport: PaymentSupportService;
  stripeEvents: StripeEventsService;
  backupSupport: BackupSupportService;
}

export interface CommandContext {
  interaction: BotInteraction;
  services: BotServices;
  /** The Discord member, as recorded in the ledger and the audit log. */
  actor: Actor;
  options: OptionReader;
}

/** One slash subcommand (`/credits add`): its registration data and what it does. */
export interface SubcommandDefinition {
  parent: 'credits' | 'webhooks' | 'backup';
  name: string;
  access: Access;
  /** Acknowledge at once and edit the reply later: the work can take longer than Discord's 3 seconds. */
  defer?: boolean;
  data(builder: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder;
  execute(ctx: CommandContext): Promise<BotMessage>;
}

/** Buttons with custom ids `<prefix>:<action>:<arg>`; success replaces the message they sit on. */
export interface ButtonHandler {
  prefix: string;
  /** The only actions this handler takes (`<prefix>:<action>:<arg>`); anything else is refused unread. */
  actions: readonly string[];
  access: Access;
  defer?: boolean;
  execute(ctx: CommandContext & { action: string; arg: string }): Promise<BotMessage>;
}

export class OptionReader {
  constructor(private readonly values: BotInteraction['options']) {}

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  integer(name: string): number | undefined {
    const v = this.values[name];
    return typeof v === 'number' ? v : undefined;
  }

  /** A `user` option: the user's id. */
  user(name: string): string | undefined {
    return this.string(name);
  }

  /** The account the command names by `user`, `email` or `account_id` (the domain checks exactly one). */
  target(): { discordUserId?: string; email?: string; accountId?: string } {
    return { discordUserId: this.user('user'), email: this.string('email'), accountId: this.string('account_id') };
  }
}

export const customId = (prefix: string, action: string, arg: string): string => `${prefix}:${action}:${arg}`;
