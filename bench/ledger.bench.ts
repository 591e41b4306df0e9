/**
 * Spends per second through LedgerService on the memory engine, and in the same run the rate of the
 * bare store conditional update it wraps (one `updateOne` with a balance condition), plus their ratio.
 * The two run in alternating rounds (ROUNDS of N / ROUNDS operations each).
 * `npx tsx bench/ledger.bench.ts [count]`.
 */
import { AccountService } from '../src/domain/accounts/account.service.js';
import { LedgerService } from '../src/domain/ledger/ledger.service.js';
import { systemClock } from '../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../src/store/memory/memory.store.js';
import { emit } from './lib/rows.js';

const N = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 20_000);
const CONCURRENCY = 16;
const ROUNDS = 10;
const actor = { type: 'system' as const, id: 'bench' };

/** Runs `count` operations, CONCURRENCY at a time; returns the seconds they took. */
async function timed(count: number, run: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await run(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const store = new MemoryStore();
  const accounts = new AccountService({ store, clock: systemClock });
  const ledger = new LedgerService({ store, clock: systemClock });
  const a = await accounts.findOrCreateBySubject({ subject: 'bench', email: 'bench@example.com' });
  await ledger.grant({
    accountId: a.id,
    amount: 1_000_000,
    reason: 'bench',
    idempotencyKey: 'fund',
    actor,
    source: { type: 'system' },
  });

  // One round of each leg: the bare conditional updates, then as many spends.
  const round = async (tag: string, count: number): Promise<{ bare: number; spend: number }> => {
    const bare = await timed(count, (i) =>
      store
        .collection('accounts')
        .updateOne({ _id: a.id, balance: { $gte: 1 } }, { $inc: { balance: -1 }, $set: { updatedAt: new Date(i) } }),
    );
    // Give back what the bare updates took outside the ledger, so the ledger still verifies.
    await store.collection('accounts').updateOne({ _id: a.id }, { $inc: { balance: count } });
    const spend = await timed(count, (i) =>
      ledger.spend({ accountId: a.id, amount: 1, reason: 'bench', idempotencyKey: `${tag}-${i}`, actor }),
    );
    return { bare, spend };
  };

  // An unmeasured round first: the first calls of each leg run before V8 optimised them, and the
  // bare update, being first, would carry that cost alone (it inflated the ratio by about 0.1).
  const perRound = Math.ceil(N / ROUNDS);
  await round('warmup', perRound);
  // Then the two alternate in rounds, so a change of load on the machine during the run weighs on both.
  let bareSeconds = 0;
  let spendSeconds = 0;
  const roundRatios: number[] = [];
  for (let done = 0; done < N; done += perRound) {
    const r = await round(`s${done}`, Math.min(perRound, N - done));
    bareSeconds += r.bare;
    spendSeconds += r.spend;
    roundRatios.push(r.bare / r.spend);
  }
  const bare = N / bareSeconds;
  const spends = N / spendSeconds;
  const line = (label: string, seconds: number) =>
    console.log(`${label.padEnd(46)} ${N} ops in ${seconds.toFixed(2)} s = ${(N / seconds).toFixed(0)} ops/s`);
  line('bare store conditional update', bareSeconds);
  line('LedgerService.spend (tx + entry + idempotency)', spendSeconds);
  const sorted = [...roundRatios].sort((x, y) => x - y);
  console.log(`ratio of each round, lowest to highest: ${sorted.map((r) => r.toFixed(2)).join(' ')}`);
  const report = await ledger.verifyLedger();
  console.log(
    `ratio spend / bare update: ${(spends / bare).toFixed(3)} (each spend = 1 transaction, 0 reads, 2 writes)`,
  );
  console.log(
    `ledger verified after run: ${report.ok ? 'OK' : 'DRIFT'} (balance ${(await accounts.getById(a.id)).balance})`,
  );
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS ${rss.toFixed(0)} MB`);
  if (!report.ok) process.exitCode = 1;
  emit([
    {
      operation: 'bare store conditional update (memory engine)',
      rate: bare,
      p50Ms: null,
      p99Ms: null,
      peakRssMb: rss,
      baseline: null,
      ratio: null,
    },
    {
      operation: 'LedgerService.spend (memory engine)',
      rate: spends,
      p50Ms: null,
      p99Ms: null,
      peakRssMb: rss,
      baseline: 'bare store conditional update',
      ratio: spends / bare,
    },
  ]);
}

await main();
