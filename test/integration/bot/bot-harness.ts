import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { APIEmbed, APIInteraction, Client } from 'discord.js';
import { createGatewayClient } from '../../../src/bot/gateway.client.js';
import { loadConfig } from '../../../src/config.js';
import type { Account } from '../../../src/domain/accounts/account.types.js';
import type { Clock, Logger } from '../../../src/domain/ports/runtime.port.js';
import { createLogger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/main.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { FakeDiscord, type RecordedRequest } from '../../fakes/discord/discord.fake.js';
import {
  ADMIN_ROLE_ID,
  APP_ID,
  GUILD_ID,
  SUPPORT_ROLE_ID,
  signatureHeaders,
  snowflake,
} from '../../fakes/discord/interactions.js';

export const BOT_TOKEN = 'fake-bot-token';

/** What the member finally sees of an answer. */
export interface Answer {
  /** How it got there: the interaction callback (type 4 reply / 7 update), an edit of @original, or a follow-up. */
  via: 'reply' | 'update' | 'edit' | 'followup';
  embeds: APIEmbed[];
  components: Array<{ components: Array<{ custom_id?: string; label?: string }> }>;
  ephemeral: boolean;
}

export class TestClock implements Clock {
  private t = Date.now();
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/**
 * The real service (startService, memory store, port 0) with the Discord fake behind
 * DISCORD_API_BASE, a test Ed25519 key as DISCORD_PUBLIC_KEY, and a discord.js client wired to the
 * service's dispatcher the way the gateway transport wires it.
 */
export class BotHarness {
  private constructor(
    readonly fake: FakeDiscord,
    readonly running: RunningService,
    readonly client: Client,
    readonly clock: TestClock,
    readonly privateKey: KeyObject,
  ) {}

  /**
   * `store`: share one store between harnesses to play several replicas of one deployment.
   * `logger`: the service's logger (default: silent).
   */
  static async start(
    env: Record<string, string> = {},
    shared: { store?: MemoryStore; logger?: Logger } = {},
  ): Promise<BotHarness> {
    const fake = await FakeDiscord.start({ applicationId: APP_ID, botToken: BOT_TOKEN });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const rawPublicKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      PROCESS_ROLES: 'api',
      LOG_LEVEL: 'silent',
      DISCORD_PUBLIC_KEY: rawPublicKey,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_ID: GUILD_ID,
      SUPPORT_ROLE_IDS: SUPPORT_ROLE_ID,
      ADMIN_ROLE_IDS: ADMIN_ROLE_ID,
      SUPPORT_CONFIRM_ABOVE: '100',
      DISCORD_API_BASE: fake.apiBase,
      ...env,
    });
    const clock = new TestClock();
    const logger = shared.logger ?? createLogger('silent');
    const running = await startService({ config, store: shared.store ?? new MemoryStore(), clock, logger });
    const client = createGatewayClient({ apiBase: fake.apiBase, dispatcher: running.discord.dispatcher, logger });
    return new BotHarness(fake, running, client, clock, privateKey);
  }

  get services() {
    return this.running.services;
  }

  /** The memory engine behind the service (fault injection). */
  get store(): MemoryStore {
    return this.running.store as MemoryStore;
  }

  /** An account holding `balance` credits (granted like a purchase would be). */
  async account(balance = 0, email = `user-${snowflake()}@example.com`): Promise<Account> {
    const a = await this.services.accounts.findOrCreateByEmail(email);
    if (balance > 0)
      await this.services.ledger.grant({
        accountId: a.id,
        amount: balance,
        reason: 'test purchase',
        idempotencyKey: `seed-${a.id}`,
        actor: { type: 'system', id: 'test' },
        source: { type: 'system' },
      });
    return this.services.accounts.getById(a.id);
  }

  /** Delivers the payload as the gateway does (INTERACTION_CREATE → discord.js → listener) and waits for the answer. */
  async viaGateway(payload: APIInteraction): Promise<Answer> {
    const actions = (this.client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } })
      .actions;
    const from = this.fake.requests.length;
    actions.InteractionCreate.handle(payload);
    return this.answerFromFake(payload.token, from);
  }

  /** POSTs the payload to /discord/interactions, signed (unless `headers` replace the signature). */
  async post(
    payload: unknown,
    options: { timestamp?: number; headers?: Record<string, string>; body?: string } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const body = options.body ?? JSON.stringify(payload);
    const ts = options.timestamp ?? Math.floor(this.clock.now().getTime() / 1000);
    const res = await fetch(`${this.running.url}/discord/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.headers ?? signatureHeaders(this.privateKey, body, ts)),
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Over HTTP, then what the member sees: the HTTP answer, or the REST edit that follows a deferral. */
  async viaHttp(payload: APIInteraction): Promise<Answer & { httpType: number }> {
    const from = this.fake.requests.length;
    const res = await this.post(payload);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    const httpType = res.body.type as number;
    if (httpType === 5 || httpType === 6) {
      const answer = await this.answerFromFake(payload.token, from);
      return { ...answer, ephemeral: answer.via === 'edit' ? isEphemeral(res.body.data) : answer.ephemeral, httpType };
    }
    const data = (res.body.data ?? {}) as Record<string, unknown>;
    return { ...fromBody(data, httpType === 7 ? 'update' : 'reply'), httpType };
  }

  private async answerFromFake(token: string, from: number): Promise<Answer> {
    const answer = toAnswer(await this.fake.answerTo(token, from));
    if (answer.via !== 'edit') return answer;
    // An edit of a deferred reply keeps the flags the deferral set.
    const deferral = this.fake.requests.slice(from).find((r) => r.token === token && r.path.endsWith('/callback'));
    return { ...answer, ephemeral: isEphemeral((deferral?.body as { data?: unknown } | undefined)?.data) };
  }

  async close(): Promise<void> {
    await this.client.destroy();
    await this.running.close();
    await this.fake.close();
  }
}

function toAnswer(r: RecordedRequest): Answer {
  if (r.path.endsWith('/callback')) {
    const b = r.body as { type: number; data?: Record<string, unknown> };
    return fromBody(b.data ?? {}, b.type === 7 ? 'update' : 'reply');
  }
  return fromBody((r.body ?? {}) as Record<string, unknown>, r.method === 'PATCH' ? 'edit' : 'followup');
}

function fromBody(data: Record<string, unknown>, via: Answer['via']): Answer {
  return {
    via,
    embeds: (data.embeds ?? []) as APIEmbed[],
    components: (data.components ?? []) as Answer['components'],
    ephemeral: isEphemeral(data),
  };
}

const isEphemeral = (data: unknown): boolean => ((data as { flags?: number } | undefined)?.flags ?? 0) === 64;

/** The value of the embed field called `name` in the first embed. */
export const field = (a: Answer, name: string): string | undefined =>
  a.embeds[0]?.fields?.find((f) => f.name === name)?.value;

export const title = (a: Answer): string | undefined => a.embeds[0]?.title;
export const text = (a: Answer): string => a.embeds.map((e) => `${e.title ?? ''}\n${e.description ?? ''}`).join('\n');
