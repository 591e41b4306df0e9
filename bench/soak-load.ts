/**
 * The soak's operations, each as a real caller performs it over HTTP, with the client's own
 * bookkeeping (what was granted, what was spent) to compare with the server's ledger at the end.
 */
import { randomBytes } from 'node:crypto';
import type { FakeEvent } from '../test/fakes/stripe/stripe-fake.server.js';
import { slashCommand, supportMember } from '../test/fakes/discord/interactions.js';
import type { Caller, GqlResult, ServiceStack } from '../test/helpers/service-stack.js';
import { ANALYZE, completedEvent, typedInput } from '../test/helpers/stack-actions.js';
import type { SoakStats } from './soak-stats.js';

export interface Ledgerbook {
  /** Credits the client saw granted (outcome "granted"), per account. */
  granted: Map<string, number>;
  /** Credits the client saw spent (spendCredits / analyses answered without errors), per account. */
  spent: Map<string, number>;
  /** Grants seen per checkout session: must end at exactly 1 for each paid session. */
  grantsPerSession: Map<string, number>;
  /** Completed events already delivered once, for redeliveries. */
  delivered: FakeEvent[];
  backups: { taken: number; verified: number; failed: string[] };
}

export const newLedgerbook = (): Ledgerbook => ({
  granted: new Map(),
  spent: new Map(),
  grantsPerSession: new Map(),
  delivered: [],
  backups: { taken: 0, verified: 0, failed: [] },
});

const add = (m: Map<string, number>, k: string, n: number): void => void m.set(k, (m.get(k) ?? 0) + n);
const PACKS = [
  { id: 'starter', credits: 10 },
  { id: 'investor', credits: 50 },
];

export interface SoakContext {
  stack: ServiceStack;
  stats: SoakStats;
  book: Ledgerbook;
  customers: Caller[];
  backend: string;
  admin: string;
  support: string;
  random: () => number;
}

const pick = <T>(ctx: SoakContext, items: T[]): T => items[Math.floor(ctx.random() * items.length)] as T;
const k = (p: string): string => `${p}-${randomBytes(8).toString('hex')}`;

/** Times `fn`, records latency, and counts a GraphQL error by its code. Returns the result or null. */
async function timed<T>(ctx: SoakContext, op: string, fn: () => Promise<GqlResult<T>>): Promise<T | null> {
  const t = performance.now();
  try {
    const r = await fn();
    ctx.stats.record(op, performance.now() - t);
    const code = r.errors?.[0]?.extensions?.code;
    if (code || r.status !== 200 || !r.data) {
      ctx.stats.error(op, String(code ?? `HTTP ${r.status}`));
      return null;
    }
    return r.data;
  } catch {
    ctx.stats.error(op, 'NETWORK');
    return null;
  }
}

async function deliver(ctx: SoakContext, op: string, event: FakeEvent, accountId: string): Promise<void> {
  const t = performance.now();
  try {
    const d = await ctx.stack.webhook(event);
    ctx.stats.record(op, performance.now() - t);
    if (d.status !== 200) return ctx.stats.error(op, `HTTP ${d.status}`);
    // A duplicate answers with the first delivery's outcome; only a processed event granted now.
    if (d.body.status === 'processed' && d.body.outcome === 'granted') {
      const session = (event.data.object as { id: string; metadata: { credits: string } }) ?? {};
      add(ctx.book.grantsPerSession, session.id, 1);
      add(ctx.book.granted, accountId, Number(session.metadata.credits));
    }
  } catch {
    ctx.stats.error(op, 'NETWORK');
  }
}

/** Checkout over GraphQL, paid at Stripe, Stripe's webhook; a third of them delivered twice at once. */
export async function purchase(ctx: SoakContext): Promise<void> {
  const c = pick(ctx, ctx.customers);
  const pack = pick(ctx, PACKS);
  const data = await timed(ctx, 'checkout', () =>
    ctx.stack.gql<{ createCheckoutSession: { id: string } }>(
      'mutation($p: ID!, $k: String!) { createCheckoutSession(packageId: $p, idempotencyKey: $k) { id } }',
      { p: pack.id, k: k('cart') },
      c.token,
    ),
  );
  if (!data) return;
  const session = ctx.stack.stripe.completeSession(data.createCheckoutSession.id);
  ctx.book.grantsPerSession.set(session.id, ctx.book.grantsPerSession.get(session.id) ?? 0);
  const event = completedEvent(ctx.stack, session);
  const twice = ctx.random() < 0.33;
  await Promise.all([
    deliver(ctx, 'webhook', event, c.accountId),
    twice && deliver(ctx, 'webhook', event, c.accountId),
  ]);
  ctx.book.delivered.push(event);
}

/** Stripe redelivers an event that was already handled: it must change nothing. */
export async function redeliver(ctx: SoakContext): Promise<void> {
  if (ctx.book.delivered.length === 0) return purchase(ctx);
  const event = pick(ctx, ctx.book.delivered);
  const accountId = (event.data.object as { client_reference_id: string }).client_reference_id;
  await deliver(ctx, 'webhook-duplicate', event, accountId);
}

export async function spend(ctx: SoakContext): Promise<void> {
  const c = pick(ctx, ctx.customers);
  const data = await timed(ctx, 'spend', () =>
    ctx.stack.gql(
      'mutation($a: ID!, $k: String!) { spendCredits(accountId: $a, amount: 1, reason: "soak", idempotencyKey: $k) { id } }',
      { a: c.accountId, k: k('spend') },
      ctx.backend,
    ),
  );
  if (data) add(ctx.book.spent, c.accountId, 1);
}

export async function analysis(ctx: SoakContext): Promise<void> {
  const c = pick(ctx, ctx.customers);
  const rent = 50_000 + Math.floor(ctx.random() * 100_000);
  const data = await timed(ctx, 'analysis', () =>
    ctx.stack.gql<{ analyzeProperty: { creditsCharged: number } }>(
      ANALYZE,
      { input: typedInput('Soak Street', rent, 20_000), key: k('analysis') },
      c.token,
    ),
  );
  if (data) add(ctx.book.spent, c.accountId, data.analyzeProperty.creditsCharged);
}

/** A customer's balance and recent ledger, support's account lookup, or Discord /credits lookup. */
export async function lookup(ctx: SoakContext): Promise<void> {
  const c = pick(ctx, ctx.customers);
  const kind = ctx.random();
  if (kind < 0.5)
    await timed(ctx, 'lookup-me', () =>
      ctx.stack.gql('{ me { balance available ledger(first: 10) { nodes { amount kind } } } }', {}, c.token),
    );
  else if (kind < 0.8)
    await timed(ctx, 'lookup-support', () =>
      ctx.stack.gql('query($e: String!) { account(email: $e) { id balance } }', { e: c.email }, ctx.support),
    );
  else {
    const t = performance.now();
    try {
      await ctx.stack.interact(slashCommand(supportMember('soak'), 'credits', 'lookup', { email: c.email }));
      ctx.stats.record('lookup-discord', performance.now() - t);
    } catch {
      ctx.stats.error('lookup-discord', 'FAILED');
    }
  }
}

/** An admin backup, then its verification (which checks the ledger invariants inside it). */
export async function backup(ctx: SoakContext): Promise<void> {
  const made = await timed(ctx, 'backup', () =>
    ctx.stack.gql<{ createBackup: { name: string } }>('mutation { createBackup { name } }', {}, ctx.admin),
  );
  if (!made) return;
  ctx.book.backups.taken += 1;
  const v = await timed(ctx, 'backup-verify', () =>
    ctx.stack.gql<{ verifyBackup: { ok: boolean; problems: Array<{ problem: string }> } }>(
      'mutation($n: String!) { verifyBackup(name: $n) { ok problems { problem } } }',
      { n: made.createBackup.name },
      ctx.admin,
    ),
  );
  if (v?.verifyBackup.ok) ctx.book.backups.verified += 1;
  else ctx.book.backups.failed.push(`${made.createBackup.name}: ${JSON.stringify(v?.verifyBackup.problems ?? null)}`);
}
