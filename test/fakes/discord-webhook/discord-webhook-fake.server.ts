/**
 * A minimal local Discord for incoming webhooks: records every `POST /api/v10/webhooks/:id/:token`
 * (what discord.js's WebhookClient sends when its REST `api` base points here) and answers like
 * Discord does (`?wait=true` → the created message, otherwise 204).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedWebhookPost {
  webhookId: string;
  token: string;
  body: {
    content?: string;
    username?: string;
    embeds?: Array<{ title?: string; description?: string; fields?: Array<{ name: string; value: string }> }>;
  };
}

export const FAKE_WEBHOOK_ID = '123456789012345678';
export const FAKE_WEBHOOK_TOKEN = 'x'.repeat(68);

export class DiscordWebhookFake {
  readonly posts: RecordedWebhookPost[] = [];
  private waiters: Array<{ done: () => boolean; resolve: () => void }> = [];
  private readonly server = createServer((req, res) => void this.serve(req, res));
  port = 0;

  static async start(): Promise<DiscordWebhookFake> {
    const fake = new DiscordWebhookFake();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** A webhook URL in Discord's format (discord.js validates it) plus the API base that reroutes it here. */
  env(): Record<string, string> {
    return {
      DISCORD_ALERT_WEBHOOK_URL: `https://discord.com/api/webhooks/${FAKE_WEBHOOK_ID}/${FAKE_WEBHOOK_TOKEN}`,
      DISCORD_API_BASE: `http://127.0.0.1:${this.port}/api`,
    };
  }

  /** Resolves once at least `n` posts arrived (rejects after `timeoutMs`, so a missing alert fails fast). */
  waitForPosts(n: number, timeoutMs = 5_000): Promise<RecordedWebhookPost[]> {
    return this.waitUntil(() => this.posts.length >= n, `${n} post(s)`, timeoutMs).then(() => this.posts);
  }

  /** Resolves with the first post whose text (title, description, fields) contains `text`. */
  async waitForPostContaining(text: string, timeoutMs = 5_000): Promise<RecordedWebhookPost> {
    const find = () => this.posts.find((p) => JSON.stringify(p.body).includes(text));
    await this.waitUntil(() => find() !== undefined, `a post containing "${text}"`, timeoutMs);
    return find() as RecordedWebhookPost;
  }

  private waitUntil(done: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.done !== done);
        reject(new Error(`expected ${what} at the Discord webhook, got ${this.posts.length} post(s)`));
      }, timeoutMs);
      this.waiters.push({
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const m = /^\/api\/v\d+\/webhooks\/(\d+)\/([\w-]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: '404: Not Found', code: 0 }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedWebhookPost['body'];
    this.posts.push({ webhookId: m[1] as string, token: m[2] as string, body });
    this.waiters = this.waiters.filter((w) => (w.done() ? (w.resolve(), false) : true));
    if (url.searchParams.get('wait') !== 'true') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: String(BigInt(Date.now()) << 22n),
        type: 0,
        channel_id: '223456789012345678',
        webhook_id: m[1],
        content: body.content ?? '',
        embeds: body.embeds ?? [],
        author: { id: m[1], username: body.username ?? 'webhook', discriminator: '0000', avatar: null, bot: true },
        attachments: [],
        mentions: [],
        mention_roles: [],
        pinned: false,
        mention_everyone: false,
        tts: false,
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        flags: 0,
        components: [],
        nonce: randomBytes(4).toString('hex'),
      }),
    );
  }
}
