import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway } from './gateway.fake.js';

/** One request the fake received (path without the `/api/v10` prefix). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
  /** The interaction token for interaction callbacks and webhook routes. */
  token?: string;
}

interface Waiter {
  match: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
}

const DEFERRED_TYPES = new Set([5, 6]);

/**
 * A local stand-in for Discord's REST API: the routes the bot uses (interaction callbacks, webhook
 * message edits and follow-ups, guild command registration, channel messages, current application,
 * gateway discovery — plus a WebSocket gateway, see gateway.fake.ts).
 * It records every request and answers like Discord does, so the real discord.js REST client and
 * `@discordjs/rest` can talk to it through DISCORD_API_BASE.
 */
export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  private waiters: Waiter[] = [];
  private nextId = 900_000_000_000_000_000n;
  /** The WebSocket gateway on the same port (GET /gateway/bot points the client at it). */
  readonly gateway: FakeGateway;
  /** Makes the fake answer a request with this status instead (Discord outages, deleted webhooks). */
  failWith: ((r: RecordedRequest) => number | undefined) | undefined;

  private constructor(
    private readonly server: Server,
    readonly applicationId: string,
    readonly botToken: string,
  ) {
    this.gateway = new FakeGateway(server, botToken, applicationId);
  }

  static async start(options: { applicationId: string; botToken: string }): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, options.applicationId, options.botToken);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** Value for DISCORD_API_BASE. */
  get apiBase(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  /**
   * Resolves with the first recorded request matching `match` (already received or still to come),
   * looking only at requests from index `from` on.
   */
  waitFor(match: (r: RecordedRequest) => boolean, from = 0, timeoutMs = 10_000): Promise<RecordedRequest> {
    const seen = this.requests.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`fake Discord: no matching request within ${timeoutMs} ms`));
      }, timeoutMs).unref();
    });
  }

  /** The interaction's final answer: a non-deferred callback, an edit of @original, or a follow-up. */
  answerTo(token: string, from = 0): Promise<RecordedRequest> {
    return this.waitFor(
      (r) =>
        r.token === token && !(r.path.endsWith('/callback') && DEFERRED_TYPES.has((r.body as { type: number }).type)),
      from,
    );
  }

  forToken(token: string): RecordedRequest[] {
    return this.requests.filter((r) => r.token === token);
  }

  async close(): Promise<void> {
    this.gateway.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body: raw && req.headers['content-type']?.includes('json') ? (JSON.parse(raw) as unknown) : raw || undefined,
    };
    const routed = this.route(record);
    const failure = this.failWith?.(record);
    const [status, answer] = failure ? [failure, { message: `${failure}: fake failure`, code: 0 }] : routed;
    this.requests.push(record);
    for (const w of [...this.waiters])
      if (w.match(record)) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(record);
      }
    if (answer === undefined) {
      res.writeHead(status).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private route(r: RecordedRequest): [number, unknown] {
    const p = r.path.split('/').filter(Boolean);
    const botAuth = r.authorization === `Bot ${this.botToken}`;
    if (r.method === 'POST' && p[0] === 'interactions' && p[3] === 'callback' && p.length === 4) {
      r.token = p[2];
      return [204, undefined];
    }
    if (p[0] === 'webhooks' && p.length >= 3) {
      r.token = p[2];
      const body = (r.body ?? {}) as Record<string, unknown>;
      if (r.method === 'POST' && p.length === 3) return [200, this.message(body, p[1]!)];
      if (p[3] === 'messages' && (r.method === 'PATCH' || r.method === 'GET')) return [200, this.message(body, p[1]!)];
    }
    if (r.method === 'GET' && r.path === '/gateway/bot') {
      if (!botAuth) return unauthorized();
      const port = (this.server.address() as AddressInfo).port;
      const limit = { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 };
      return [200, { url: `ws://127.0.0.1:${port}`, shards: 1, session_start_limit: limit }];
    }
    if (r.method === 'GET' && r.path === '/applications/@me') {
      if (!botAuth) return unauthorized();
      return [200, { id: this.applicationId, name: 'fake support bot', description: '', bot_public: false }];
    }
    if (r.method === 'PUT' && p[0] === 'applications' && p[2] === 'guilds' && p[4] === 'commands') {
      if (!botAuth) return unauthorized();
      const commands = (r.body as Array<Record<string, unknown>>).map((c) => ({
        ...c,
        id: this.snowflake(),
        application_id: p[1],
        guild_id: p[3],
        type: 1,
        version: this.snowflake(),
      }));
      return [200, commands];
    }
    if (r.method === 'POST' && p[0] === 'channels' && p[2] === 'messages') {
      if (!botAuth) return unauthorized();
      return [
        200,
        { ...this.message((r.body ?? {}) as Record<string, unknown>, this.applicationId), channel_id: p[1] },
      ];
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }

  private message(body: Record<string, unknown>, applicationId: string): Record<string, unknown> {
    return {
      id: this.snowflake(),
      type: 0,
      channel_id: '1',
      content: '',
      embeds: [],
      components: [],
      ...body,
      author: { id: applicationId, username: 'support-bot', discriminator: '0000', avatar: null, bot: true },
      webhook_id: applicationId,
      application_id: applicationId,
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: typeof body.flags === 'number' ? body.flags : 0,
    };
  }

  private snowflake(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }
}

const unauthorized = (): [number, unknown] => [401, { message: '401: Unauthorized', code: 0 }];
