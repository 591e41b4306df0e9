import express, { type Express, type Request, type Response } from 'express';
import { InteractionResponseType, InteractionType, type APIInteraction, type REST } from 'discord.js';
import type { Clock, Logger } from '../domain/ports/runtime.port.js';
import { fromApiInteraction } from './api-interaction.adapter.js';
import { checkDiscordSignature, discordPublicKey } from './discord-signature.js';
import { HttpResponder } from './http.responder.js';
import type { InteractionDispatcher } from './interaction.dispatcher.js';

export interface DiscordInteractionsRouteOptions {
  /** DISCORD_PUBLIC_KEY (hex). */
  publicKey: string;
  dispatcher: InteractionDispatcher;
  /** REST client on DISCORD_API_BASE, for edits after a deferred response. */
  rest: REST;
  clock: Clock;
  logger: Logger;
}

/**
 * `POST /discord/interactions`, Discord's "Interactions Endpoint URL". Stateless, so any API
 * replica can serve it: the signature is checked before anything else runs, PING answers PONG, and
 * commands and buttons go to the same dispatcher as the gateway client.
 */
export function discordInteractionsRoute(options: DiscordInteractionsRouteOptions): (app: Express) => void {
  const key = discordPublicKey(options.publicKey);
  const { dispatcher, rest, clock, logger } = options;
  return (app) => {
    app.post(
      '/discord/interactions',
      express.raw({ type: () => true, limit: '100kb' }),
      async (req: Request, res: Response) => {
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const check = checkDiscordSignature({
          key,
          signature: req.header('x-signature-ed25519'),
          timestamp: req.header('x-signature-timestamp'),
          body,
          now: clock.now(),
        });
        if (check !== 'ok') {
          logger.warn({ reqId: req.id, check }, 'discord interaction refused: signature');
          res.status(401).json({ error: 'invalid request signature' });
          return;
        }
        let payload: APIInteraction;
        try {
          payload = JSON.parse(body.toString('utf8')) as APIInteraction;
        } catch {
          res.status(400).json({ error: 'body is not JSON' });
          return;
        }
        if (payload.type === InteractionType.Ping) {
          res.json({ type: InteractionResponseType.Pong });
          return;
        }
        const interaction = fromApiInteraction(payload);
        if (!interaction) {
          res.status(400).json({ error: 'unsupported interaction type' });
          return;
        }
        const send = (response: unknown): Promise<void> =>
          new Promise((resolve) => {
            // 'close' too: a client that hung up must not leave the dispatcher waiting.
            res.once('finish', () => resolve());
            res.once('close', () => resolve());
            res.json(response);
          });
        const responder = new HttpResponder(
          rest,
          { applicationId: payload.application_id, token: payload.token, isButton: interaction.kind === 'button' },
          send,
        );
        await dispatcher.dispatch(interaction, responder);
        if (!res.headersSent) res.status(500).json({ error: 'no response', requestId: req.id });
      },
    );
  };
}
