import { InteractionResponseType, MessageFlags, Routes, type APIInteractionResponse, type REST } from 'discord.js';
import type { BotMessage, InteractionResponder } from './bot-interaction.js';

/**
 * Answers an interaction that arrived over HTTP. The first response is the HTTP response body
 * (`send` resolves once it has been written, so a later edit cannot overtake it); everything after
 * that goes through Discord's REST API with the interaction token (no bot token needed).
 */
export class HttpResponder implements InteractionResponder {
  private state: 'fresh' | 'deferred-reply' | 'deferred-update' | 'answered' = 'fresh';

  constructor(
    private readonly rest: REST,
    private readonly target: { applicationId: string; token: string; isButton: boolean },
    private readonly send: (body: APIInteractionResponse) => Promise<void>,
  ) {}

  get answered(): boolean {
    return this.state !== 'fresh';
  }

  async defer(mode: 'reply' | 'update'): Promise<void> {
    if (this.state !== 'fresh') return;
    if (mode === 'update' && this.target.isButton) {
      this.state = 'deferred-update';
      await this.send({ type: InteractionResponseType.DeferredMessageUpdate });
    } else {
      this.state = 'deferred-reply';
      await this.send({
        type: InteractionResponseType.DeferredChannelMessageWithSource,
        data: { flags: MessageFlags.Ephemeral },
      });
    }
  }

  async reply(m: BotMessage): Promise<void> {
    const state = this.state;
    this.state = 'answered';
    if (state === 'fresh')
      await this.send({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: { ...m, flags: MessageFlags.Ephemeral },
      });
    else if (state === 'deferred-reply') await this.editOriginal(m);
    else await this.followUp(m);
  }

  async update(m: BotMessage): Promise<void> {
    const state = this.state;
    if (state === 'fresh' && this.target.isButton) {
      this.state = 'answered';
      await this.send({ type: InteractionResponseType.UpdateMessage, data: m });
    } else if (state === 'deferred-update' || state === 'deferred-reply') {
      this.state = 'answered';
      await this.editOriginal(m);
    } else await this.reply(m);
  }

  private async editOriginal(m: BotMessage): Promise<void> {
    const { applicationId, token } = this.target;
    await this.rest.patch(Routes.webhookMessage(applicationId, token, '@original'), { body: m, auth: false });
  }

  private async followUp(m: BotMessage): Promise<void> {
    const { applicationId, token } = this.target;
    await this.rest.post(Routes.webhook(applicationId, token), {
      body: { ...m, flags: MessageFlags.Ephemeral },
      auth: false,
    });
  }
}
