import { DomainError } from '../domain/errors.js';
import type { Actor } from '../domain/ports/documents.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { BotInteraction, BotMessage, InteractionResponder } from './bot-interaction.js';
import {
  OptionReader,
  type Access,
  type BotServices,
  type ButtonHandler,
  type CommandContext,
  type SubcommandDefinition,
} from './command.types.js';
import { BUTTONS, SUBCOMMANDS } from './commands/index.js';
import { errorMessage } from './error-replies.js';

export interface DispatcherOptions {
  /** DISCORD_GUILD_ID: the only guild whose interactions are served. Unset = serve none. */
  guildId: string | undefined;
  supportRoleIds: readonly string[];
  adminRoleIds: readonly string[];
  services: BotServices;
  logger: Logger;
  subcommands?: readonly SubcommandDefinition[];
  buttons?: readonly ButtonHandler[];
  /** A handler not declared slow is deferred anyway when it runs this long (Discord allows 3 s). */
  deferAfterMs?: number;
}

type Route =
  | { kind: 'command'; handler: SubcommandDefinition; access: Access }
  | { kind: 'button'; handler: ButtonHandler; access: Access; action: string; arg: string };

/**
 * The one entry point of both transports (gateway client and HTTP endpoint). On every call it
 * checks where the interaction comes from and who sent it, runs one handler, and answers
 * ephemerally — errors included, through the exhaustive map of error-replies.ts.
 */
export class InteractionDispatcher {
  private readonly commands: Map<string, SubcommandDefinition>;
  private readonly buttons: Map<string, ButtonHandler>;
  private readonly deferAfterMs: number;

  constructor(private readonly options: DispatcherOptions) {
    this.commands = new Map((options.subcommands ?? SUBCOMMANDS).map((c) => [`${c.parent} ${c.name}`, c]));
    this.buttons = new Map((options.buttons ?? BUTTONS).map((b) => [b.prefix, b]));
    this.deferAfterMs = options.deferAfterMs ?? 2_000;
  }

  async dispatch(interaction: BotInteraction, responder: InteractionResponder): Promise<void> {
    const mode = interaction.kind === 'button' ? 'update' : 'reply';
    const ack = new Acknowledgement(responder, mode, this.options.logger);
    try {
      const route = this.route(interaction);
      this.authorize(interaction, route.access);
      const actor: Actor = { type: 'discord', id: interaction.user.id, name: interaction.user.tag };
      const ctx: CommandContext = {
        interaction,
        services: this.options.services,
        actor,
        options: new OptionReader(interaction.options),
      };
      if (route.handler.defer) await ack.defer();
      const message = await ack.deferIfSlow(this.deferAfterMs, () =>
        route.kind === 'command' ? route.handler.execute(ctx) : route.handler.execute({ ...ctx, ...route }),
      );
      await ack.answer(message);
    } catch (error) {
      const { message, log } = errorMessage(error, interaction.id);
      this.options.logger[log](
        { err: error, interactionId: interaction.id, userId: interaction.user.id, command: interaction.command },
        'discord interaction refused or failed',
      );
      await ack.fail(message);
    }
  }

  private route(i: BotInteraction): Route {
    if (i.kind === 'command' && i.command) {
      const handler = this.commands.get(`${i.command.name} ${i.command.subcommand ?? ''}`);
      if (handler) return { kind: 'command', handler, access: handler.access };
    }
    if (i.kind === 'button' && i.customId) {
      const [prefix = '', action = '', ...rest] = i.customId.split(':');
      const handler = this.buttons.get(prefix);
      // An allow-list, not "anything but cancel": a crafted custom_id must not confirm anything.
      if (handler?.actions.includes(action))
        return { kind: 'button', handler, access: handler.access, action, arg: rest.join(':') };
    }
    throw new DomainError('NOT_FOUND', 'this command is not known to this version of the bot');
  }

  /** Re-checked on every call: Discord's command permissions are a convenience, not a control. */
  private authorize(i: BotInteraction, access: Access): void {
    const { guildId, supportRoleIds, adminRoleIds } = this.options;
    if (!i.guildId || !i.memberRoleIds)
      throw new DomainError('FORBIDDEN', 'support commands work only inside the support server, not in DMs');
    if (!guildId || i.guildId !== guildId)
      throw new DomainError('FORBIDDEN', 'this bot takes support commands only in its support server');
    const roles = new Set(i.memberRoleIds);
    const admin = adminRoleIds.some((r) => roles.has(r));
    if (access === 'admin' && !admin) throw new DomainError('FORBIDDEN', 'this command needs an admin role');
    if (!admin && !supportRoleIds.some((r) => roles.has(r)))
      throw new DomainError('FORBIDDEN', 'this command needs a support role');
  }
}

/**
 * Orders the responses of one interaction: at most one initial response (a reply, an update, or a
 * deferral), then edits or follow-ups. A deferral that a timer started is awaited before answering.
 */
class Acknowledgement {
  private deferring: Promise<void> | null = null;

  constructor(
    private readonly responder: InteractionResponder,
    private readonly mode: 'reply' | 'update',
    private readonly logger: Logger,
  ) {}

  defer(): Promise<void> {
    this.deferring ??= this.responder.defer(this.mode);
    return this.deferring;
  }

  async deferIfSlow<T>(ms: number, work: () => Promise<T>): Promise<T> {
    const timer = setTimeout(() => {
      this.defer().catch((err: unknown) => this.logger.warn({ err }, 'deferring a discord interaction failed'));
    }, ms);
    try {
      return await work();
    } finally {
      clearTimeout(timer);
    }
  }

  /** Success: a command gets a new ephemeral message; a button replaces the message it sits on. */
  async answer(message: BotMessage): Promise<void> {
    await this.settled();
    // An update that leaves `components` out keeps the old buttons: say "none" explicitly.
    if (this.mode === 'update') await this.responder.update({ ...message, components: message.components ?? [] });
    else await this.responder.reply(message);
  }

  /** Errors fill a deferred reply or come as a new ephemeral message; they never overwrite a prompt. */
  async fail(message: BotMessage): Promise<void> {
    try {
      await this.settled();
      await this.responder.reply(message);
    } catch (err) {
      this.logger.error({ err }, 'could not answer a discord interaction');
    }
  }

  private async settled(): Promise<void> {
    if (this.deferring) await this.deferring.catch(() => undefined);
  }
}
