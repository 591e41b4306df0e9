/**
 * A small local Stripe: the REAL stripe-node client talks to it over HTTP (host/port/protocol
 * options). It serves what this service uses — customers, Checkout sessions (create, retrieve,
 * list with created/status/customer filters and cursor pagination), events (retrieve) — with
 * Stripe's auth, idempotency-key and error semantics, and lets tests play the customer's side
 * (pay, refund, dispute) and mint the events Stripe would send.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asList, asNumber, asObject, asString, asStringRecord, parseForm, type Form } from './form.js';

export const FAKE_STRIPE_KEY = 'sk_test_fake_local_stripe';
type Obj = Record<string, unknown> & { id: string; created: number };

export interface FakeSession extends Obj {
  object: 'checkout.session';
  status: 'open' | 'complete' | 'expired';
  payment_status: 'paid' | 'unpaid' | 'no_payment_required';
  client_reference_id: string | null;
  customer: string | null;
  metadata: Record<string, string>;
  amount_total: number;
  currency: string;
  payment_intent: string | null;
  url: string | null;
  expires_at: number;
}
export interface FakeCharge extends Obj {
  object: 'charge';
  amount: number;
  amount_refunded: number;
  refunded: boolean;
  currency: string;
  payment_intent: string;
  metadata: Record<string, string>;
}
export interface FakeDispute extends Obj {
  object: 'dispute';
  amount: number;
  charge: string;
  payment_intent: string;
  status: string;
  reason: string;
  currency: string;
}
export interface FakeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
  data: { object: Record<string, unknown> };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const rid = (prefix: string): string => `${prefix}_test_${randomBytes(12).toString('hex')}`;

export class StripeFake {
  readonly customers = new Map<string, Obj>();
  readonly sessions = new Map<string, FakeSession>();
  readonly charges = new Map<string, FakeCharge>();
  readonly events = new Map<string, FakeEvent>();
  /** Every API request, for assertions (method, path, idempotency key). */
  readonly requests: Array<{ method: string; path: string; idempotencyKey?: string }> = [];
  /** The fake's clock (unix seconds); tests may move it to place sessions in time. */
  now: () => number = () => Math.floor(Date.now() / 1000);
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private readonly chargeOfSession = new Map<string, string>();
  private seq = 0;
  private readonly order = new Map<string, number>();
  private server = createServer((req, res) => void this.serve(req, res));
  port = 0;
  readonly host = '127.0.0.1';

  static async start(): Promise<StripeFake> {
    const fake = new StripeFake();
    await new Promise<void>((resolve) => fake.server.listen(0, fake.host, resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** The environment that points the service's Stripe client here. */
  env(): Record<string, string> {
    return {
      STRIPE_SECRET_KEY: FAKE_STRIPE_KEY,
      STRIPE_API_HOST: this.host,
      STRIPE_API_PORT: String(this.port),
      STRIPE_API_PROTOCOL: 'http',
    };
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- the customer's side -------------------------------------------------------------------

  /** The customer finishes Checkout. Card: paid at once. `async: true`: bank debit, still unpaid. */
  completeSession(id: string, options: { async?: boolean } = {}): FakeSession {
    const s = this.session(id);
    s.status = 'complete';
    s.url = null;
    s.payment_intent ??= rid('pi');
    if (!options.async) this.markPaid(s);
    return s;
  }

  /** The async payment (e.g. SEPA debit) of a completed session went through. */
  settleAsyncPayment(id: string): FakeSession {
    const s = this.session(id);
    this.markPaid(s);
    return s;
  }

  expireSession(id: string): FakeSession {
    const s = this.session(id);
    s.status = 'expired';
    s.url = null;
    return s;
  }

  chargeFor(sessionId: string): FakeCharge {
    const id = this.chargeOfSession.get(sessionId);
    const charge = id ? this.charges.get(id) : undefined;
    if (!charge) throw new Error(`session ${sessionId} has no charge (not paid)`);
    return charge;
  }

  /** Refunds `amount` more of the session's charge (cumulative, like Stripe). */
  refund(sessionId: string, amount?: number): FakeCharge {
    const c = this.chargeFor(sessionId);
    c.amount_refunded = Math.min(c.amount, c.amount_refunded + (amount ?? c.amount - c.amount_refunded));
    c.refunded = c.amount_refunded === c.amount;
    return c;
  }

  dispute(sessionId: string, status = 'needs_response', id = rid('dp')): FakeDispute {
    const c = this.chargeFor(sessionId);
    return {
      id,
      object: 'dispute',
      created: this.now(),
      amount: c.amount,
      charge: c.id,
      payment_intent: c.payment_intent,
      status,
      reason: 'fraudulent',
      currency: c.currency,
    };
  }

  /** Mints an event Stripe would send (and stores it, so `events.retrieve` finds it). */
  event(type: string, object: Obj | Record<string, unknown>): FakeEvent {
    const e: FakeEvent = {
      id: rid('evt'),
      object: 'event',
      api_version: '2026-10-28.endive',
      created: this.now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: structuredClone(object) },
    };
    this.events.set(e.id, e);
    return e;
  }

  /** A session created outside this service's API (e.g. by an older deploy). */
  insertSession(fields: Partial<FakeSession> & { amount_total: number }): FakeSession {
    const id = rid('cs');
    const s: FakeSession = {
      id,
      object: 'checkout.session',
      created: this.now(),
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: null,
      customer: null,
      metadata: {},
      currency: 'usd',
      payment_intent: null,
      url: `https://checkout.stripe.com/c/pay/${id}`,
      expires_at: this.now() + 86_400,
      mode: 'payment',
      ...fields,
    };
    this.sessions.set(id, s);
    this.order.set(id, ++this.seq);
    return s;
  }

  private markPaid(s: FakeSession): void {
    s.payment_status = 'paid';
    if (this.chargeOfSession.has(s.id)) return;
    const charge: FakeCharge = {
      id: rid('ch'),
      object: 'charge',
      created: this.now(),
      amount: s.amount_total,
      amount_refunded: 0,
      refunded: false,
      currency: s.currency,
      payment_intent: s.payment_intent ?? rid('pi'),
      metadata: { ...s.metadata },
      status: 'succeeded',
    };
    this.charges.set(charge.id, charge);
    this.chargeOfSession.set(s.id, charge.id);
  }

  private session(id: string): FakeSession {
    const s = this.sessions.get(id);
    if (!s) throw new Error(`no such session ${id}`);
    return s;
  }

  // ---- the API -------------------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const key = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method: req.method ?? '', path: url.pathname, ...(key ? { idempotencyKey: key } : {}) });
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req') });
      res.end(JSON.stringify(payload));
    };
    try {
      if (req.headers.authorization !== `Bearer ${FAKE_STRIPE_KEY}`)
        throw new HttpError(401, 'invalid_request_error', 'Invalid API Key provided');
      if (req.method === 'POST' && key) {
        const fingerprint = `${url.pathname}\n${body}`;
        const prior = this.idempotency.get(key);
        if (prior && prior.fingerprint !== fingerprint)
          throw new HttpError(
            400,
            'idempotency_error',
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          );
        if (prior) return send(prior.status, prior.body);
        const result = structuredClone(this.route(req.method, url, parseForm(body)));
        this.idempotency.set(key, { fingerprint, status: 200, body: result });
        return send(200, result);
      }
      send(200, this.route(req.method ?? 'GET', url, parseForm(req.method === 'GET' ? url.search.slice(1) : body)));
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 'api_error', `fake failure: ${String(error)}`);
      send(e.status, { error: { type: e.type, message: e.message, ...(e.code ? { code: e.code } : {}) } });
    }
  }

  private route(method: string, url: URL, form: Form): unknown {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (method === 'POST' && p === '/v1/customers') return this.createCustomer(form);
    if (method === 'GET' && (m = /^\/v1\/customers\/([\w]+)$/.exec(p))) return this.find(this.customers, m[1]);
    if (method === 'POST' && p === '/v1/checkout/sessions') return this.createSession(form);
    if (method === 'GET' && p === '/v1/checkout/sessions') return this.listSessions(form);
    if (method === 'GET' && (m = /^\/v1\/checkout\/sessions\/([\w]+)$/.exec(p))) return this.find(this.sessions, m[1]);
    if (method === 'GET' && (m = /^\/v1\/events\/([\w]+)$/.exec(p))) return this.find(this.events, m[1]);
    throw new HttpError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${p})`);
  }

  private find<T>(map: Map<string, T>, id: string | undefined): T {
    const found = id ? map.get(id) : undefined;
    if (!found) throw new HttpError(404, 'invalid_request_error', `No such object: '${id}'`, 'resource_missing');
    return found;
  }

  private createCustomer(form: Form): Obj {
    const c: Obj = {
      id: rid('cus'),
      object: 'customer',
      created: this.now(),
      email: asString(form.email) ?? null,
      metadata: asStringRecord(form.metadata),
    };
    this.customers.set(c.id, c);
    return c;
  }

  private createSession(form: Form): FakeSession {
    const required = (name: string): string => {
      const v = asString(form[name]);
      if (!v)
        throw new HttpError(400, 'invalid_request_error', `Missing required param: ${name}.`, 'parameter_missing');
      return v;
    };
    if (required('mode') !== 'payment')
      throw new HttpError(400, 'invalid_request_error', 'this fake supports mode=payment only');
    required('success_url');
    const customer = asString(form.customer) ?? null;
    if (customer && !this.customers.has(customer))
      throw new HttpError(400, 'invalid_request_error', `No such customer: '${customer}'`, 'resource_missing');
    let amount = 0;
    let currency = '';
    for (const item of asList(form.line_items)) {
      const line = asObject(item) ?? {};
      const priceData = asObject(line.price_data);
      if (!priceData)
        throw new HttpError(
          400,
          'invalid_request_error',
          `No such price: '${asString(line.price)}'`,
          'resource_missing',
        );
      amount += (asNumber(priceData.unit_amount) ?? 0) * (asNumber(line.quantity) ?? 1);
      currency = asString(priceData.currency) ?? currency;
    }
    if (amount <= 0) throw new HttpError(400, 'invalid_request_error', 'line_items: amount must be positive');
    return this.insertSession({
      client_reference_id: asString(form.client_reference_id) ?? null,
      customer,
      metadata: asStringRecord(form.metadata),
      amount_total: amount,
      currency,
      success_url: asString(form.success_url),
      cancel_url: asString(form.cancel_url),
    });
  }

  private listSessions(q: Form): unknown {
    const created = asObject(q.created) ?? {};
    const [gte, lte, gt, lt] = ['gte', 'lte', 'gt', 'lt'].map((k) => asNumber(created[k]));
    const status = asString(q.status);
    const customer = asString(q.customer);
    const limit = Math.min(Math.max(asNumber(q.limit) ?? 10, 1), 100);
    const all = [...this.sessions.values()]
      .filter(
        (s) =>
          (gte === undefined || s.created >= gte) &&
          (lte === undefined || s.created <= lte) &&
          (gt === undefined || s.created > gt) &&
          (lt === undefined || s.created < lt) &&
          (!status || s.status === status) &&
          (!customer || s.customer === customer),
      )
      // Stripe lists newest first.
      .sort((a, b) => b.created - a.created || (this.order.get(b.id) ?? 0) - (this.order.get(a.id) ?? 0));
    const after = asString(q.starting_after);
    let start = 0;
    if (after) {
      const i = all.findIndex((s) => s.id === after);
      if (i < 0) throw new HttpError(400, 'invalid_request_error', `No such checkout.session: '${after}'`);
      start = i + 1;
    }
    const data = all.slice(start, start + limit);
    return { object: 'list', url: '/v1/checkout/sessions', has_more: start + limit < all.length, data };
  }
}
