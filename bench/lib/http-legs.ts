/**
 * The legs of the HTTP bench that change state, each with the check that its work was exact:
 * spends (the final balance equals the funds minus the spends that succeeded) and webhook grants
 * (no paid session granted twice), plus the fragment bomb the limits must refuse.
 */
import { randomBytes } from 'node:crypto';
import type autocannon from 'autocannon';
import Stripe from 'stripe';

export interface Leg {
  name: string;
  path: string;
  /** 200: every answer must be 2xx; 400: refusals expected. */
  expectStatus: 200 | 400;
  options: Partial<autocannon.Options>;
  /** Before the leg's load (its warm-up included): work the load generator should not do per request. */
  prepare?(requests: number): void;
  /** After the load: settles the requests cut off at the deadline and checks the outcome. */
  check?(): Promise<void>;
}

export interface LegContext {
  url: string;
  userToken: string;
  serviceToken: string;
  supportToken: string;
  webhookSecret: string;
}

const FUNDS = 1_000_000;
const PACKAGE_CREDITS = 10; // the "starter" package

async function gql<T>(ctx: LegContext, token: string, query: string, variables: object = {}): Promise<T> {
  const res = await fetch(`${ctx.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`${query.slice(0, 40)}…: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function newAccount(ctx: LegContext, subject: string): Promise<string> {
  const { signDevToken } = await import('../../src/graphql/auth/jwt.signer.js');
  const token = await signDevToken({
    secret: 'bench-only-hs256-secret-0123456789abcdef',
    subject,
    email: `${subject.replace(/\W/g, '-')}@example.com`,
    roles: ['user'],
    ttl: '1h',
  });
  return (await gql<{ me: { id: string } }>(ctx, token, '{ me { id } }')).me.id;
}

const balance = async (ctx: LegContext, id: string): Promise<number> =>
  (
    await gql<{ account: { balance: number } }>(
      ctx,
      ctx.supportToken,
      'query($id: ID) { account(id: $id) { balance } }',
      { id },
    )
  ).account.balance;

const SPEND =
  'mutation($id: ID!, $key: String!) { spendCredits(accountId: $id, amount: 1, reason: "bench", idempotencyKey: $key) { balanceAfter } }';

/** `spendCredits(1)` by a service token, a fresh idempotency key each. */
export async function spendLeg(ctx: LegContext): Promise<Leg> {
  const id = await newAccount(ctx, `bench|spender-${Date.now()}`);
  await gql(
    ctx,
    ctx.supportToken,
    'mutation($id: ID!) { adjustCredits(accountId: $id, amount: 1000000, reason: "bench funds", idempotencyKey: "funds") { id } }',
    { id },
  );
  let n = 0;
  let spent = 0;
  const unanswered = new Set<string>();
  const settle = (status: number, body: string): void => {
    if (status === 200 && !body.includes('"errors"')) spent += 1;
    else throw new Error(`spend failed: ${status} ${body.slice(0, 200)}`);
  };
  const body = (key: string) => JSON.stringify({ query: SPEND, variables: { id, key } });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ctx.serviceToken}` };
  return {
    name: 'spendCredits(1), service JWT, fresh key each',
    path: '/graphql',
    expectStatus: 200,
    options: {
      requests: [
        {
          method: 'POST',
          headers,
          setupRequest: (req, context) => {
            const key = `bench-${(n += 1)}`;
            (context as { key?: string }).key = key;
            unanswered.add(key);
            return { ...req, body: body(key) };
          },
          onResponse: (status, resBody, context) => {
            unanswered.delete((context as { key?: string }).key ?? '');
            settle(status, resBody);
          },
        },
      ],
    },
    // autocannon stops at the deadline without reading the answers still in flight; replaying
    // exactly those keys settles them (an idempotent replay answers the first result or spends now).
    check: async () => {
      for (const key of unanswered) {
        const r = await fetch(`${ctx.url}/graphql`, { method: 'POST', headers, body: body(key) });
        settle(r.status, await r.text());
      }
      const final = await balance(ctx, id);
      if (final !== FUNDS - spent) throw new Error(`final balance ${final} != ${FUNDS} − ${spent}`);
      console.log(`spends: ${spent} succeeded; final balance ${final} == ${FUNDS} − ${spent}: OK`);
    },
  };
}

function paidSession(accountId: string): { id: string; payload: string } {
  const id = `evt_bench_${randomBytes(10).toString('hex')}`;
  const now = Math.floor(Date.now() / 1000);
  const session = {
    id: `cs_bench_${randomBytes(10).toString('hex')}`,
    object: 'checkout.session',
    mode: 'payment',
    status: 'complete',
    payment_status: 'paid',
    client_reference_id: accountId,
    customer: null,
    metadata: { accountId, packageId: 'starter', credits: String(PACKAGE_CREDITS) },
    amount_total: 1900,
    currency: 'usd',
    payment_intent: `pi_bench_${randomBytes(10).toString('hex')}`,
    created: now,
    expires_at: now + 86_400,
    url: null,
  };
  const event = {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: now,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: { object: session },
  };
  return { id, payload: JSON.stringify(event) };
}

/** Signed `checkout.session.completed` deliveries, a new paid session each. */
export async function webhookLeg(ctx: LegContext): Promise<Leg> {
  const accountId = await newAccount(ctx, `bench|buyer-${Date.now()}`);
  const granted = new Set<string>();
  const pending = new Map<string, string>();
  const redeliver: string[] = [];
  let failure = '';
  const sign = (payload: string) => Stripe.webhooks.generateTestHeaderString({ payload, secret: ctx.webhookSecret });
  const deliver = async (payload: string) =>
    fetch(`${ctx.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': sign(payload) },
      body: payload,
    });
  const signed = (e: { id: string; payload: string }) => ({ ...e, signature: sign(e.payload) });
  // Deliveries built and signed before the load: random ids, JSON and an HMAC per request would
  // otherwise cost the load generator, on the same two cores, about as much as the server's work.
  let ready: Array<{ id: string; payload: string; signature: string }> = [];
  return {
    name: 'Stripe webhook, a new paid session each',
    path: '/webhooks/stripe',
    expectStatus: 200,
    prepare: (requests) => {
      ready = Array.from({ length: requests }, () => signed(paidSession(accountId)));
    },
    options: {
      requests: [
        {
          method: 'POST',
          setupRequest: (req, context) => {
            const e = ready.pop() ?? signed(paidSession(accountId));
            (context as { id?: string }).id = e.id;
            pending.set(e.id, e.payload);
            return {
              ...req,
              body: e.payload,
              headers: { 'content-type': 'application/json', 'stripe-signature': e.signature },
            };
          },
          onResponse: (status, body, context) => {
            const id = (context as { id?: string }).id ?? '';
            if (status !== 200 && !failure) failure = `${status} ${body.slice(0, 300)}`;
            if (status === 200) granted.add(id);
            if (status === 200 && redeliver.length < 20) redeliver.push(pending.get(id) ?? '');
            pending.delete(id);
          },
        },
      ],
    },
    check: async () => {
      if (failure) throw new Error(`webhook refused: ${failure}`);
      for (const [id, payload] of pending) if ((await deliver(payload)).ok) granted.add(id);
      // Redeliveries of events already processed change nothing.
      for (const payload of redeliver) await deliver(payload);
      const final = await balance(ctx, accountId);
      if (final !== PACKAGE_CREDITS * granted.size)
        throw new Error(`webhooks: balance ${final} != ${PACKAGE_CREDITS} × ${granted.size}`);
      console.log(
        `webhooks: ${granted.size} sessions, ${redeliver.length} redelivered, each granted once; balance ${final}: OK`,
      );
    },
  };
}

/** Each level spreads the one below twice under two aliases: 2^20 copies if it ever executed. */
export function bombQuery(levels = 20): string {
  const defs = ['fragment F0 on Account { id balance }'];
  for (let i = 1; i <= levels; i += 1)
    defs.push(
      `fragment F${i} on Account { ledger { nodes { a: account { ...F${i - 1} } b: account { ...F${i - 1} } } } }`,
    );
  return `${defs.join(' ')} { me { ...F${levels} } }`;
}
