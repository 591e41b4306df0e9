/**
 * What a deployment meets, on one machine: the built service as a process (service-process.ts)
 * plus the local Stripe, Discord and OpenAI fakes its configuration points at, and the clients the
 * real callers use — GraphQL with HS256 JWTs, Stripe webhooks signed by the Stripe library's own
 * test helper, Ed25519-signed Discord interactions to POST /discord/interactions. Nothing reaches
 * into the process: every check goes over HTTP (or reads files the service wrote to its DATA_DIR).
 *
 *   const stack = await ServiceStack.start();
 *   const alice = await stack.signIn();
 *   await stack.gqlData('{ me { balance } }', {}, alice.token);
 *   await stack.close();
 */
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed, APIInteraction } from 'discord.js';
import type { GraphQLFormattedError } from 'graphql';
import { SignJWT } from 'jose';
import { FakeDiscord } from '../fakes/discord/discord.fake.js';
import { ADMIN_ROLE_ID, APP_ID, GUILD_ID, SUPPORT_ROLE_ID, signatureHeaders } from '../fakes/discord/interactions.js';
import { startOpenAIFake, type OpenAIFake } from '../fakes/openai/openai.fake.js';
import { StripeFake, type FakeEvent } from '../fakes/stripe/stripe-fake.server.js';
import { deliver, type Delivery } from '../fakes/stripe/stripe-webhook.sender.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';

export const E2E_JWT_SECRET = 'e2e-only-hs256-secret-0123456789abcdefgh';
export const E2E_WEBHOOK_SECRET = 'whsec_e2e_local_signing_secret';
const ALERT_WEBHOOK = { id: '123456789012345678', token: 'a'.repeat(68) };

export type Role = 'user' | 'support' | 'admin' | 'service';
export interface Caller {
  token: string;
  subject: string;
  email: string;
  accountId: string;
}
export interface GqlResult<T> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLFormattedError[] | undefined;
}
/** What the support member finally sees of an interaction. */
export interface DiscordAnswer {
  httpType: number;
  embeds: APIEmbed[];
  buttons: Array<{ custom_id?: string; label?: string }>;
}

export interface StackOptions {
  /** Extra environment for the service (wins over the defaults). */
  env?: Record<string, string>;
  /** Reuse a data directory (a restart); otherwise a fresh temporary one, removed by close(). */
  dataDir?: string;
}

export class ServiceStack {
  private ownsDataDir = false;
  private constructor(
    readonly stripe: StripeFake,
    readonly discord: FakeDiscord,
    readonly openai: OpenAIFake,
    readonly discordKey: KeyObject,
    readonly env: Record<string, string>,
    readonly dataDir: string,
    public proc: ServiceProcess,
  ) {}

  static async start(options: StackOptions = {}): Promise<ServiceStack> {
    const stripe = await StripeFake.start();
    const discord = await FakeDiscord.start({ applicationId: APP_ID, botToken: 'e2e-bot-token' });
    const openai = await startOpenAIFake();
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'noi-e2e-'));
    const env: Record<string, string> = {
      // Set explicitly: the memory engine is a development-only choice.
      NODE_ENV: 'development',
      EMBEDDED_MONGO: 'off',
      PROCESS_ROLES: 'api,jobs',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: E2E_JWT_SECRET,
      ...stripe.env(),
      STRIPE_WEBHOOK_SECRET: E2E_WEBHOOK_SECRET,
      DISCORD_PUBLIC_KEY: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_GUILD_ID: GUILD_ID,
      SUPPORT_ROLE_IDS: SUPPORT_ROLE_ID,
      ADMIN_ROLE_IDS: ADMIN_ROLE_ID,
      DISCORD_API_BASE: discord.apiBase,
      DISCORD_ALERT_WEBHOOK_URL: `https://discord.com/api/webhooks/${ALERT_WEBHOOK.id}/${ALERT_WEBHOOK.token}`,
      OPENAI_API_KEY: 'sk-e2e-fake',
      OPENAI_BASE_URL: openai.baseURL,
      OPENAI_TIMEOUT_MS: '10000',
      ...options.env,
    };
    let proc: ServiceProcess;
    try {
      proc = await startServiceProcess(env);
    } catch (error) {
      await Promise.all([stripe.close(), discord.close(), openai.close()]);
      throw error;
    }
    const stack = new ServiceStack(stripe, discord, openai, privateKey, env, dataDir, proc);
    stack.ownsDataDir = !options.dataDir;
    return stack;
  }

  get url(): string {
    return this.proc.url;
  }

  /** Starts the service again on the same DATA_DIR and fakes (after a stop or a crash). */
  async restart(env: Record<string, string> = {}): Promise<void> {
    await this.proc.stop('SIGTERM');
    this.proc = await startServiceProcess({ ...this.env, ...env });
  }

  async close(): Promise<void> {
    await this.proc.stop('SIGTERM');
    await Promise.all([this.stripe.close(), this.discord.close(), this.openai.close()]);
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  // ---- GraphQL ------------------------------------------------------------------------------

  /** A token as the identity provider would mint it (verified email). */
  token(claims: { sub?: string; email?: string; roles?: Role[]; ttl?: string } = {}): Promise<string> {
    const roles = claims.roles ?? ['user'];
    const payload: Record<string, unknown> = { roles };
    if (claims.email !== undefined || !roles.every((r) => r === 'service')) {
      payload.email = claims.email ?? `u-${randomUUID().slice(0, 8)}@example.com`;
      payload.email_verified = true;
    }
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub ?? `e2e|${randomUUID()}`)
      .setIssuedAt()
      .setExpirationTime(claims.ttl ?? '2h')
      .sign(new TextEncoder().encode(E2E_JWT_SECRET));
  }

  /** A person signing in for the first time: the first `me` creates the account. */
  async signIn(roles: Role[] = ['user'], email = `u-${randomBytes(5).toString('hex')}@example.com`): Promise<Caller> {
    const subject = `e2e|${randomUUID()}`;
    const token = await this.token({ sub: subject, email, roles });
    const { me } = await this.gqlData<{ me: { id: string } }>('{ me { id } }', {}, token);
    return { token, subject, email, accountId: me.id };
  }

  async gql<T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GqlResult<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    try {
      const body = JSON.parse(text) as { data?: T | null; errors?: GraphQLFormattedError[] };
      return { status: res.status, data: body.data, errors: body.errors };
    } catch {
      throw new Error(`non-JSON GraphQL answer ${res.status}: ${text.slice(0, 300)}`);
    }
  }

  async gqlData<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<T> {
    const r = await this.gql<T>(query, variables, token);
    if (r.errors?.length || !r.data) throw new Error(`GraphQL errors (HTTP ${r.status}): ${JSON.stringify(r.errors)}`);
    return r.data;
  }

  // ---- Stripe ------------------------------------------------------------------------------

  /** POSTs a Stripe event to /webhooks/stripe, signed with Stripe.webhooks.generateTestHeaderString. */
  webhook(event: FakeEvent): Promise<Delivery> {
    return deliver(this.url, event, { secret: E2E_WEBHOOK_SECRET });
  }

  // ---- Discord -----------------------------------------------------------------------------

  /** POSTs a signed interaction; follows a deferral to the REST edit the service sends to the fake. */
  async interact(payload: APIInteraction): Promise<DiscordAnswer> {
    const from = this.discord.requests.length;
    const body = JSON.stringify(payload);
    const res = await fetch(`${this.url}/discord/interactions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signatureHeaders(this.discordKey, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    if (res.status !== 200) throw new Error(`interaction answered HTTP ${res.status}: ${await res.text()}`);
    const answer = (await res.json()) as { type: number; data?: Record<string, unknown> };
    let data = answer.data ?? {};
    if (answer.type === 5 || answer.type === 6) data = (await this.discord.answerTo(payload.token, from)).body as never;
    const rows = (data.components ?? []) as Array<{ components: DiscordAnswer['buttons'] }>;
    return {
      httpType: answer.type,
      embeds: (data.embeds ?? []) as APIEmbed[],
      buttons: rows.flatMap((r) => r.components),
    };
  }

  /** Alerts the service posted to its Discord alert webhook (titles and text). */
  alerts(): string[] {
    return this.discord.requests
      .filter((r) => r.method === 'POST' && r.path === `/webhooks/${ALERT_WEBHOOK.id}/${ALERT_WEBHOOK.token}`)
      .map((r) => JSON.stringify(r.body));
  }

  /** Waits (bounded) for an alert whose text contains `text`. */
  async alert(text: string, timeoutMs = 10_000): Promise<string> {
    const r = await this.discord.waitFor(
      (x) => x.path.startsWith(`/webhooks/${ALERT_WEBHOOK.id}/`) && JSON.stringify(x.body).includes(text),
      0,
      timeoutMs,
    );
    return JSON.stringify(r.body);
  }
}

/** The text of an answer's embeds (titles, descriptions, fields). */
export const answerText = (a: DiscordAnswer): string =>
  a.embeds
    .map((e) => [e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`)].join('\n'))
    .join('\n');

/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`: no fixed sleeps. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
