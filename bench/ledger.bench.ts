/**
 * Spends per second through LedgerService on the memory engine, and in the same run the rate of the
 * bare store conditional update it wraps (one `updateOne` with a balance condition), plus their ratio;
 * and the same against `AccountRepository.debit`, the exact update a spend makes (its filter also
 * refuses a frozen account, which the bare update leaves out).
 * The two run in alternating rounds (ROUNDS of N / ROUNDS operations each), timed by the wall clock
 * (the rows are the round with the median ratio, the lower of the two middle ones) and by the
 * process's CPU time (printed, medians over the rounds; other work on the machine moves it less).
 *
 * The same rounds also time a spend's two store writes alone, in a second store that mirrors the
 * first (its own bare updates, and a ledger table growing by one entry per operation): one
 * transaction with the debit and the entry, through the same repositories, without the parse,
 * the fingerprint or the result. The bare update over those two writes is the highest ratio a spend
 * could reach if the domain's own work took no time.
 * `npx tsx bench/ledger.bench.ts [count]`.
 */
import { AccountRepository } from '../src/domain/accounts/account.repository.js';
import { AccountService } from '../src/domain/accounts/account.service.js';
import { LedgerRepository } from '../src/domain/ledger/ledger.repository.js';
import { LedgerService } from '../src/domain/ledger/ledger.service.js';
import { systemClock } from '../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../src/store/memory/memory.store.js';
import { emit, middle } from './lib/rows.js';

const N = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 20_000);
const CONCURRENCY = 16;
const ROUNDS = 10;
const actor = { type: 'system' as const, id: 'bench' };

interface Timing {
  /** Wall clock, seconds. */
  seconds: number;
  /** The process's CPU time (user + system), seconds. */
  cpu: number;
}

/** Runs `count` operations, CONCURRENCY at a time; returns the time they took. */
async function timed(count: number, run: (i: number) => Promise<unknown>): Promise<Timing> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await run(next++);
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpu: (cpu.user + cpu.system) / 1e6 };
}

const total = (xs: Timing[], pick: (t: Timing) => number): number => xs.reduce((sum, t) => sum + pick(t), 0);

/**
 * A store with one funded account, its bare conditional update (what the ratio divides by, as when
 * the issue measured 0.41), and the exact update a spend wraps: `AccountRepository.debit`, whose
 * filter also refuses a frozen account.
 */
async function funded(store: MemoryStore) {
  const accounts = new AccountService({ store, clock: systemClock });
  const ledger = new LedgerService({ store, clock: systemClock });
  const { id } = await accounts.findOrCreateBySubject({ subject: 'bench', email: 'bench@example.com' });
  const source = { type: 'system' as const };
  await ledger.grant({ accountId: id, amount: 1_000_000, reason: 'bench', idempotencyKey: 'fund', actor, source });
  const bare = (count: number) =>
    timed(count, (i) =>
      store
        .collection('accounts')
        .updateOne({ _id: id, balance: { $gte: 1 } }, { $inc: { balance: -1 }, $set: { updatedAt: new Date(i) } }),
    );
  const repository = new AccountRepository({ store });
  const debit = (count: number) => timed(count, (i) => repository.debit(id, 1, new Date(i)));
  // Gives back what the bare updates took outside the ledger, so the ledger still verifies.
  const giveBack = (count: number) => store.collection('accounts').updateOne({ _id: id }, { $inc: { balance: count } });
  return { id, accounts, ledger, bare, debit, giveBack };
}

async function main(): Promise<void> {
  const store = new MemoryStore();
  const { id, accounts, ledger, ...a } = await funded(store);
  // The mirror: a spend's two writes alone, through the repositories a spend writes with.
  const mirror = new MemoryStore();
  const m = await funded(mirror);
  const mirrorAccounts = new AccountRepository({ store: mirror });
  const mirrorEntries = new LedgerRepository({ store: mirror });
  const twoWrites = (key: string) =>
    mirror.transaction(async (tx) => {
      const now = new Date();
      const updated = await mirrorAccounts.debit(m.id, 1, now, tx);
      if (!updated) throw new Error('the mirror account ran out of credits');
      await mirrorEntries.append(
        {
          _id: mirror.newId(),
          accountId: m.id,
          amount: -1,
          balanceAfter: updated.balance,
          reservedAfter: updated.reserved,
          kind: 'spend',
          source: { type: 'system' },
          actor,
          reason: 'bench',
          idempotencyKey: key,
          fingerprint: '["spend",1,"bench",{"type":"system"}]',
          createdAt: now,
        },
        tx,
      );
    });

  // One round of each leg: the bare conditional updates, the repository's debits, as many spends,
  // then the mirror's bare updates and two writes.
  const round = async (tag: string, count: number) => {
    const bare = await a.bare(count);
    await a.giveBack(count);
    const debit = await a.debit(count);
    await a.giveBack(count);
    const spend = await timed(count, (i) =>
      ledger.spend({ accountId: id, amount: 1, reason: 'bench', idempotencyKey: `${tag}-${i}`, actor }),
    );
    const mirrorBare = await m.bare(count);
    await m.giveBack(count);
    const writes = await timed(count, (i) => twoWrites(`${tag}-${i}`));
    return { count, bare, debit, spend, mirrorBare, writes };
  };

  // An unmeasured round first: the first calls of each leg run before V8 optimised them, and the
  // bare update, being first, would carry that cost alone (it inflated the ratio by about 0.1).
  const perRound = Math.ceil(N / ROUNDS);
  await round('warmup', perRound);
  // Then the two alternate in rounds, so a change of load on the machine during the run weighs on both.
  const rounds: Array<Awaited<ReturnType<typeof round>>> = [];
  for (let done = 0; done < N; done += perRound) rounds.push(await round(`s${done}`, Math.min(perRound, N - done)));
  type Leg = Exclude<keyof (typeof rounds)[number], 'count'>;
  const of = (leg: Leg) => rounds.map((r) => r[leg]);
  const bareSeconds = total(of('bare'), (t) => t.seconds);
  const spendSeconds = total(of('spend'), (t) => t.seconds);
  // A baseline's row is the round with the median ratio, as in the HTTP and backup benches: one
  // round that a pause of the machine or a full collection lands on moves the totals (one bare round
  // once took seven times its usual time, and the ratio of the totals read 1.09 where every other
  // round read 0.49–0.60), not the median.
  const against = (baseline: 'bare' | 'debit') => {
    const ratioOf = (r: (typeof rounds)[number]) => r[baseline].seconds / r.spend.seconds;
    const sorted = [...rounds].sort((x, y) => ratioOf(x) - ratioOf(y));
    const median = middle(sorted);
    return {
      baselineRate: median.count / median[baseline].seconds,
      spendRate: median.count / median.spend.seconds,
      ratio: ratioOf(median),
      rounds: sorted.map((r) => ratioOf(r).toFixed(2)).join(' '),
    };
  };
  const bare = against('bare');
  // The same against the update the spend wraps, with its own median round.
  const debit = against('debit');
  const line = (label: string, seconds: number) =>
    console.log(`${label.padEnd(46)} ${N} ops in ${seconds.toFixed(2)} s = ${(N / seconds).toFixed(0)} ops/s`);
  line('bare store conditional update', bareSeconds);
  line('LedgerService.spend (tx + entry + idempotency)', spendSeconds);
  console.log(`ratio of each round, lowest to highest: ${bare.rounds}`);
  const report = await ledger.verifyLedger();
  console.log(
    [
      `ratio spend / bare update, median round: ${bare.ratio.toFixed(3)} (each spend = 1 transaction, 0 reads, 2 writes)`,
      `  of the whole run's totals: ${(bareSeconds / spendSeconds).toFixed(3)}`,
      `ratio spend / AccountRepository.debit (the update a spend wraps: its filter also refuses a frozen account), median round: ${debit.ratio.toFixed(3)}`,
      `  each round: ${debit.rounds}`,
    ].join('\n'),
  );
  // CPU µs per operation of each leg: the median over the rounds, for the same reason.
  const cpuUs = (leg: Leg) => middle(rounds.map((r) => (r[leg].cpu * 1e6) / r.count).sort((x, y) => x - y));
  const us = (leg: Leg) => `${cpuUs(leg).toFixed(1)} µs`;
  console.log(
    [
      `ratio by CPU time (medians over the rounds): ${(cpuUs('bare') / cpuUs('spend')).toFixed(3)} (CPU per operation: bare update ${us('bare')}, spend ${us('spend')})`,
      `  against AccountRepository.debit (${us('debit')}): ${(cpuUs('debit') / cpuUs('spend')).toFixed(3)}`,
      `a spend's two writes alone (debit + entry in one transaction, no parse, fingerprint or result): ${us('writes')}`,
      `  against the mirror's bare update (${us('mirrorBare')}): ${(cpuUs('mirrorBare') / cpuUs('writes')).toFixed(3)}, the highest ratio a spend could reach`,
      `  the domain's own work: ${(cpuUs('spend') - cpuUs('writes')).toFixed(1)} µs per spend (the spend less its two writes)`,
    ].join('\n'),
  );
  const mirrorReport = await new LedgerService({ store: mirror, clock: systemClock }).verifyLedger();
  if (!mirrorReport.ok) throw new Error('the mirror store does not verify');
  console.log(
    `ledger verified after run: ${report.ok ? 'OK' : 'DRIFT'} (balance ${(await accounts.getById(id)).balance})`,
  );
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`peak RSS ${rss.toFixed(0)} MB`);
  if (!report.ok) process.exitCode = 1;
  // Rates only: the ledger legs have no latencies of their own.
  const row = (operation: string, rate: number, baseline: string | null = null, ratio: number | null = null) => ({
    operation,
    rate,
    p50Ms: null,
    p99Ms: null,
    peakRssMb: rss,
    baseline,
    ratio,
  });
  emit([
    row('bare store conditional update (memory engine)', bare.baselineRate),
    row('LedgerService.spend (memory engine)', bare.spendRate, 'bare store conditional update', bare.ratio),
    row('AccountRepository.debit, the update a spend wraps (memory engine)', debit.baselineRate),
    row(
      'LedgerService.spend (memory engine), against the update it wraps',
      debit.spendRate,
      'AccountRepository.debit',
      debit.ratio,
    ),
  ]);
}

await main();
