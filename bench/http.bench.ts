/**
 * The HTTP legs of `npm run bench`: autocannon (here, 64 connections, SECONDS each) against servers
 * in their own processes — a bare Apollo Server 5 (the baseline, same run) and the service as
 * production starts it (`node dist/main.js`, memory engine unless MONGODB_URI is set).
 *
 *   npx tsx bench/http.bench.ts [--seconds=8] [--repeat=1] [--profile] [--legs=JWT,webhook]
 *
 * `--profile` writes the service's V8 CPU profile and prints its top frames over the whole run and
 * for each leg (bench/lib/profile.ts). `--legs=` runs only the legs whose name contains one of the
 * comma-separated words (the baseline always runs). `--repeat=N` runs the whole sequence of legs N
 * times; each row then shows the round with the median ratio, and every round's ratio is printed.
 * Checks, and fails on: the final balance after the spends, no webhook granted twice, fragment
 * bombs refused.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signDevToken } from '../src/graphql/auth/jwt.signer.js';
import { bombQuery, spendLeg, webhookLeg, type Leg } from './lib/http-legs.js';
import { startBareApollo, startService, type ServerProcess } from './lib/processes.js';
import { nowUs, readProfile, topFrames, type ProfileWindow } from './lib/profile.js';
import { emit, middle, type Row } from './lib/rows.js';
import { quantileBoundMs, readHistogram } from './lib/server-latency.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 8);
/** Unmeasured load before each leg, so that every leg (the baseline's too) is measured with warm JIT code. */
const WARMUP_SECONDS = Number(process.argv.find((a) => a.startsWith('--warmup='))?.split('=')[1] ?? 1);
const PROFILE = process.argv.includes('--profile');
const REPEAT = Math.max(1, Number(process.argv.find((a) => a.startsWith('--repeat='))?.split('=')[1] ?? 1));
const LEGS = process.argv
  .find((a) => a.startsWith('--legs='))
  ?.slice('--legs='.length)
  .split(',')
  .filter(Boolean);
const SECRET = 'bench-only-hs256-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_bench_secret';
const BASELINE = 'bare Apollo { __typename }';

/** Server CPU per request of each leg: unlike the rate, it barely moves with other load on the machine. */
const cpuPerRequest: string[] = [];
/** The service's own p50/p99 of each leg, from its /metrics histogram (bench/lib/server-latency.ts). */
const serverLatency: string[] = [];

async function run(server: ServerProcess, leg: Leg, withMetrics = false): Promise<Omit<Row, 'baseline' | 'ratio'>> {
  const load = (duration: number) =>
    autocannon({ url: `${server.url}${leg.path}`, connections: CONNECTIONS, duration, ...leg.options });
  // Enough for the leg at several times the rate this machine reaches; any beyond are built on the fly.
  leg.prepare?.(Math.ceil((WARMUP_SECONDS + SECONDS) * 5000));
  if (WARMUP_SECONDS > 0) await load(WARMUP_SECONDS);
  const histogramBefore = withMetrics ? await readHistogram(server.url) : null;
  server.resetPeak();
  const cpuBefore = server.cpuUs();
  const loadCpuBefore = process.cpuUsage();
  const r = await load(SECONDS);
  const loadCpu = process.cpuUsage(loadCpuBefore);
  const cpuAfter = server.cpuUs();
  if (histogramBefore) {
    const after = await readHistogram(server.url);
    const route = leg.path.split('?')[0] ?? leg.path;
    const p50 = quantileBoundMs(histogramBefore, after, route, 0.5);
    const p99 = quantileBoundMs(histogramBefore, after, route, 0.99);
    if (p50 && p99)
      serverLatency.push(
        `p50 ≤ ${String(p50.boundMs).padStart(4)} ms, p99 ≤ ${String(p99.boundMs).padStart(4)} ms  ${leg.name}`,
      );
  }
  if (cpuBefore !== null && cpuAfter !== null && r.requests.total > 0) {
    const us = Math.round((cpuAfter - cpuBefore) / r.requests.total);
    const generator = Math.round((loadCpu.user + loadCpu.system) / r.requests.total);
    cpuPerRequest.push(`${String(us).padStart(6)} µs  ${String(generator).padStart(6)} µs  ${leg.name}`);
  }
  await leg.check?.();
  if (leg.expectStatus === 200 && r.non2xx + r.errors > 0)
    throw new Error(`${leg.name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return {
    operation: leg.name,
    rate: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    peakRssMb: server.peakRssMb(),
  };
}

/** The baseline row: the mean of its runs. */
function meanOf(runs: Array<Omit<Row, 'baseline' | 'ratio'>>): Row {
  const mean = (pick: (r: Omit<Row, 'baseline' | 'ratio'>) => number | null) =>
    runs.reduce((sum, r) => sum + (pick(r) ?? 0), 0) / runs.length;
  return {
    operation: runs[0]?.operation ?? BASELINE,
    rate: mean((r) => r.rate),
    p50Ms: mean((r) => r.p50Ms),
    p99Ms: mean((r) => r.p99Ms),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb ?? 0)),
    baseline: null,
    ratio: null,
  };
}

const json = (token?: string) => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});
const post = (body: object, token?: string): Partial<autocannon.Options> => ({
  method: 'POST',
  headers: json(token),
  body: JSON.stringify(body),
});

async function main(): Promise<void> {
  const profileDir = mkdtempSync(join(tmpdir(), 'noi-bench-profile-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'noi-bench-data-'));
  const bare = await startBareApollo();
  const service = await startService(
    {
      // Production requires MongoDB; on the memory engine, `test` is the closest to it (no stack
      // traces in error answers, no development CORS origins; introspection stays on).
      NODE_ENV: process.env.MONGODB_URI ? 'production' : 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      PROCESS_ROLES: 'api',
      EMBEDDED_MONGO: 'off',
      DATA_DIR: dataDir,
      AUTH_JWT_SECRET: SECRET,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
    PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const rows: Row[] = [];
  const windows: Array<{ leg: string } & ProfileWindow> = [];
  try {
    const sign = (subject: string, roles: Array<'user' | 'support' | 'service'>, email?: string) =>
      signDevToken({ secret: SECRET, subject, email, roles, ttl: '1h' });
    const userToken = await sign('bench|user', ['user'], 'bench-user@example.com');
    const ctx = {
      url: service.url,
      serviceToken: await sign('bench-service', ['service']),
      supportToken: await sign('bench-support', ['support'], 'support@example.com'),
      userToken,
      webhookSecret: WEBHOOK_SECRET,
    };
    const baselineLeg: Leg = {
      name: BASELINE,
      path: '/',
      expectStatus: 200,
      options: post({ query: '{ __typename }' }),
    };
    // The baseline runs before the first leg and again after each one: a leg's ratio divides by the
    // mean of the two baseline runs around it, so load that comes and goes on the machine during the
    // run weighs on both sides of the ratio alike.
    const baselines = [await run(bare, baselineLeg)];
    const gqlLeg = (name: string, expectStatus: 200 | 400, options: Partial<autocannon.Options>): Leg => ({
      name,
      path: '/graphql',
      expectStatus,
      options,
    });
    const legsOfRound = async (): Promise<Leg[]> => [
      { name: 'GET /healthz', path: '/healthz', expectStatus: 200, options: {} },
      gqlLeg('{ __typename }, no token', 200, post({ query: '{ __typename }' })),
      gqlLeg('{ __typename }, user JWT', 200, post({ query: '{ __typename }' }, userToken)),
      await spendLeg(ctx),
      await webhookLeg(ctx),
      gqlLeg('fragment bomb over POST (refused)', 400, post({ query: bombQuery() }, userToken)),
      {
        name: 'fragment bomb over GET, 1,000 empty params (refused)',
        path: `/graphql?${'&'.repeat(1000)}&query=${encodeURIComponent(bombQuery())}`,
        expectStatus: 400,
        options: { headers: { 'apollo-require-preflight': '1', authorization: `Bearer ${userToken}` } },
      },
    ];
    // Each leg's rounds, each with the ratio to the mean of the two baseline runs around it.
    const rounds = new Map<string, Row[]>();
    for (let round = 1; round <= REPEAT; round += 1) {
      if (REPEAT > 1) console.log(`round ${round} of ${REPEAT}`);
      for (const leg of await legsOfRound()) {
        if (LEGS && !LEGS.some((word) => leg.name.includes(word))) continue;
        const startUs = nowUs();
        const row = await run(service, leg, true);
        windows.push({ leg: leg.name, startUs, endUs: nowUs() });
        const before = baselines.at(-1)?.rate ?? 0;
        baselines.push(await run(bare, baselineLeg));
        const around = (before + (baselines.at(-1)?.rate ?? 0)) / 2;
        console.log(`${row.operation}: baseline around it ${Math.round(around)}/s`);
        rounds.set(leg.name, [
          ...(rounds.get(leg.name) ?? []),
          { ...row, baseline: BASELINE, ratio: row.rate / around },
        ]);
      }
    }
    rows.push(meanOf(baselines));
    for (const [name, runs] of rounds) {
      const sorted = [...runs].sort((a, b) => (a.ratio ?? 0) - (b.ratio ?? 0));
      if (runs.length > 1)
        console.log(`${name}: ratio of each round ${sorted.map((r) => r.ratio?.toFixed(2)).join(' ')}`);
      rows.push(middle(sorted));
    }
  } finally {
    await service.stop();
    await bare.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `\nCPU per request (user + system), server | load generator:\n${cpuPerRequest.map((l) => `  ${l}`).join('\n')}`,
  );
  console.log(
    `\nservice latency from its own histogram (upper bound of the bucket; the client p50/p99 add the wait in the ${CONNECTIONS}-connection queue):\n${serverLatency.map((l) => `  ${l}`).join('\n')}`,
  );
  emit(rows);
  if (PROFILE) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      const profile = readProfile(join(profileDir, file));
      console.log(`\nservice CPU profile: ${join(profileDir, file)}\ntop frames (self time), whole run:`);
      for (const line of topFrames(profile, 25)) console.log(`  ${line}`);
      for (const w of windows) {
        console.log(`top frames (self time), ${w.leg}:`);
        for (const line of topFrames(profile, 12, w)) console.log(`  ${line}`);
      }
    }
  }
}

await main();
