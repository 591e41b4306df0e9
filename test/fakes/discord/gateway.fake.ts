import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

type Packet = { op: number; d?: unknown; s?: number | null; t?: string | null };

/**
 * A minimal Discord gateway on the fake's HTTP server: the WebSocket handshake (RFC 6455, no
 * extensions), HELLO → IDENTIFY → READY, heartbeat ACKs, and `dispatch` to push events such as
 * INTERACTION_CREATE to the connected discord.js client. JSON encoding, no compression.
 */
export class FakeGateway {
  private socket: Duplex | null = null;
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readyWaiters: Array<() => void> = [];
  identified: { token: string; intents: number } | null = null;
  closed = false;

  constructor(
    server: Server,
    private readonly botToken: string,
    private readonly applicationId: string,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex) => this.accept(req, socket));
  }

  /** Resolves once a client has identified with the right token and received READY. */
  ready(timeoutMs = 10_000): Promise<void> {
    if (this.identified) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.readyWaiters.push(resolve);
      setTimeout(() => reject(new Error('fake gateway: no IDENTIFY')), timeoutMs).unref();
    });
  }

  destroy(): void {
    this.socket?.destroy();
  }

  dispatch(event: string, data: unknown): void {
    this.send({ op: 0, t: event, s: ++this.seq, d: data });
  }

  private accept(req: IncomingMessage, socket: Duplex): void {
    const key = req.headers['sec-websocket-key'];
    if (typeof key !== 'string') return void socket.destroy();
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.socket = socket;
    this.closed = false;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
    this.send({ op: 10, d: { heartbeat_interval: 41_250 } });
  }

  private onPacket(p: Packet): void {
    if (p.op === 1) return this.send({ op: 11 });
    if (p.op !== 2) return;
    const d = p.d as { token: string; intents: number };
    if (d.token !== this.botToken) return this.close(4004);
    this.identified = { token: d.token, intents: d.intents };
    this.dispatch('READY', {
      v: 10,
      user: { id: this.applicationId, username: 'support-bot', discriminator: '0', avatar: null, bot: true },
      guilds: [],
      session_id: 'fake-session',
      resume_gateway_url: 'ws://127.0.0.1:1',
      shard: [0, 1],
      application: { id: this.applicationId, flags: 0 },
    });
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /** Client frames are masked; only text, close and ping matter here. */
  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      const opcode = b[0]! & 0x0f;
      let len = b[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b[1]! & 0x80) !== 0;
      const start = offset + (masked ? 4 : 0);
      if (b.length < start + len) return;
      const payload = Buffer.from(b.subarray(start, start + len));
      if (masked) for (let i = 0; i < payload.length; i += 1) payload[i]! ^= b[offset + (i % 4)]!;
      this.buffer = b.subarray(start + len);
      if (opcode === 0x1) this.onPacket(JSON.parse(payload.toString('utf8')) as Packet);
      else if (opcode === 0x8) this.close(1000);
      else if (opcode === 0x9) this.frame(0xa, payload);
    }
  }

  private send(p: Packet): void {
    this.frame(0x1, Buffer.from(JSON.stringify(p)));
  }

  private close(code: number): void {
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.frame(0x8, body);
    this.socket?.end();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (!this.socket || this.socket.destroyed) return;
    const n = payload.length;
    const head =
      n < 126
        ? Buffer.from([0x80 | opcode, n])
        : n < 65_536
          ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)]);
    this.socket.write(Buffer.concat([head, payload]));
  }
}

const bigLength = (n: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
};
