/**
 * Soak: `npm run soak -- --minutes 10 [--rate 20] [--customers 20] [--seed 1]`.
 *
 * The built service runs in its own process (as `npm start` runs it, memory engine, its own
 * DATA_DIR) with the local Stripe / Discord / OpenAI fakes; this process is the load: a steady
 * `rate` of operations per second — purchases (checkout + signed webhook, a third delivered twice
 * at once), redeliveries of handled events, spends, analyses, lookups (GraphQL and Discord) — plus
 * a backup and its verification every minute. At the end it prints p50/p99 per operation, error
 * counts by code, the server's RSS at start / middle / end, and drift: the ledger invariant over
 * every account, every paid session granted exactly once, each balance equal to what the client saw
 * granted minus spent, every backup verified. Exits 1 on any drift.
 */
import { checkLedger } from '../test/helpers/stack-actions.js';
import { ServiceStack } from '../test/helpers/service-stack.js';
import { analysis, backup, lookup, newLedgerbook, purchase, redeliver, spend, type SoakContext } from './soak-load.js';
import { printSummary, SoakStats, type SoakSummary } from './soak-stats.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name}: must be a positive number`);
  return v;
};
const MINUTES = arg('minutes', 10);
const RATE = arg('rate', 20);
const CUSTOMERS = arg('customers', 20);
const MAX_IN_FLIGHT = 64;
const BACKUP_EVERY_MS = 60_000;
const MIX: Array<[number, (ctx: SoakContext) => Promise<void>]> = [
  [0.12, purchase],
  [0.08, redeliver],
  [0.25, spend],
  [0.2, analysis],
  [0.35, lookup],
];

/** mulberry32: a seeded generator, so a run's mix can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<number> {
  const stack = await ServiceStack.start();
  process.once('SIGINT', () => void stack.close().then(() => process.exit(130)));
  try {
    const stats = new SoakStats();
    const ctx: SoakContext = {
      stack,
      stats,
      book: newLedgerbook(),
      customers: [],
      backend: await stack.token({ roles: ['service'] }),
      admin: await stack.token({ roles: ['admin'] }),
      support: await stack.token({ roles: ['support'] }),
      random: seeded(arg('seed', 1)),
    };
    for (let i = 0; i < CUSTOMERS; i += 1) ctx.customers.push(await stack.signIn());
    for (let i = 0; i < CUSTOMERS; i += 1) await purchase(ctx); // something to spend
    const rss = { start: mb(stack.proc.rssKb()), middle: 0, end: 0 };
    const heap: SoakSummary['heapUsedMb'] = { start: await heapMb(stack.url), middle: null, end: null };

    const durationMs = MINUTES * 60_000;
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    const launch = (op: (c: SoakContext) => Promise<void>): void => {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        stats.shed += 1;
        return;
      }
      const p = op(ctx).finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    let operations = 0;
    let nextBackup = Math.min(30_000, durationMs / 2);
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const elapsed = Date.now() - started;
        if (elapsed >= durationMs) {
          clearInterval(tick);
          resolve();
          return;
        }
        if (!rss.middle && elapsed >= durationMs / 2) {
          rss.middle = mb(stack.proc.rssKb());
          void heapMb(stack.url).then((h) => (heap.middle = h));
        }
        if (elapsed >= nextBackup) {
          nextBackup += BACKUP_EVERY_MS;
          launch(backup);
        }
        operations += 1;
        let r = ctx.random();
        for (const [weight, op] of MIX) {
          if (r < weight) return launch(op);
          r -= weight;
        }
        launch(lookup);
      }, 1000 / RATE);
    });
    await Promise.all(inFlight);
    rss.end = mb(stack.proc.rssKb());
    heap.end = await heapMb(stack.url);

    const summary = await finalChecks(ctx, { minutes: MINUTES, rate: RATE, operations, rss, heap });
    printSummary(summary);
    return summary.drift.length === 0 ? 0 : 1;
  } finally {
    await stack.close();
  }
}

async function finalChecks(
  ctx: SoakContext,
  run: {
    minutes: number;
    rate: number;
    operations: number;
    rss: SoakSummary['rssMb'];
    heap: SoakSummary['heapUsedMb'];
  },
): Promise<SoakSummary> {
  const { stack, book } = ctx;
  const ledger = await checkLedger(stack, ctx.support);
  const drift = [...ledger.drift];
  for (const [session, grants] of book.grantsPerSession)
    if (grants !== 1) drift.push(`checkout session ${session}: granted ${grants} times`);
  for (const c of ctx.customers) {
    const { account } = await stack.gqlData<{ account: { balance: number } }>(
      'query($id: ID!) { account(id: $id) { balance } }',
      { id: c.accountId },
      ctx.support,
    );
    const expected = (book.granted.get(c.accountId) ?? 0) - (book.spent.get(c.accountId) ?? 0);
    if (account.balance !== expected)
      drift.push(`${c.email}: balance ${account.balance}, but the client saw ${expected} (granted − spent)`);
  }
  const creditsExpected = [...book.granted.values()].reduce((a, b) => a + b, 0);
  if (ledger.purchased !== creditsExpected)
    drift.push(`purchase entries sum to ${ledger.purchased}, grants seen sum to ${creditsExpected}`);
  drift.push(...book.backups.failed.map((f) => `backup failed verification: ${f}`));
  return {
    minutes: run.minutes,
    rate: run.rate,
    operations: run.operations,
    heapUsedMb: run.heap,
    shed: ctx.stats.shed,
    latency: ctx.stats.latencyTable(),
    errors: Object.fromEntries(ctx.stats.errors),
    rssMb: run.rss,
    ledger: { accounts: ledger.accounts, entries: ledger.entries },
    purchases: {
      sessions: book.grantsPerSession.size,
      granted: [...book.grantsPerSession.values()].reduce((a, b) => a + b, 0),
      creditsExpected,
      creditsInLedger: ledger.purchased,
    },
    backups: { taken: book.backups.taken, verified: book.backups.verified },
    drift,
  };
}

const mb = (kb: number | null): number => Math.round((kb ?? 0) / 1024);

/** The service's live V8 heap (prom-client's default metric on GET /metrics), in MB; null if unavailable. */
async function heapMb(url: string): Promise<number | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const m = /^nodejs_heap_size_used_bytes\s+([\d.e+]+)$/m.exec(text);
    return m?.[1] ? Math.round(Number(m[1]) / 1024 / 1024) : null;
  } catch {
    return null;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
