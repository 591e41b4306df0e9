/**
 * The HTTP legs of `npm run bench`: autocannon (here, 64 connections, SECONDS each) against servers
 * in their own processes — a bare Apollo Server 5 (the baseline, same run) and the service as
 * production starts it (`node dist/main.js`, memory engine unless MONGODB_URI is set).
 *
 *   npx tsx bench/http.bench.ts [--seconds=8] [--profile]
 *
 * `--profile` writes the service's V8 CPU profile and prints its top frames (bench/lib/profile.ts).
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
import { topFrames } from './lib/profile.js';
import { emit, type Row } from './lib/rows.js';

const CONNECTIONS = 64;
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 8);
const PROFILE = process.argv.includes('--profile');
const SECRET = 'bench-only-hs256-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_bench_secret';
const BASELINE = 'bare Apollo { __typename }';

async function run(server: ServerProcess, leg: Leg): Promise<Omit<Row, 'baseline' | 'ratio'>> {
  server.resetPeak();
  const r = await autocannon({
    url: `${server.url}${leg.path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    ...leg.options,
  });
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
      NODE_ENV: process.env.MONGODB_URI ? 'production' : 'development',
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
    const baseline = await run(bare, {
      name: BASELINE,
      path: '/',
      expectStatus: 200,
      options: post({ query: '{ __typename }' }),
    });
    rows.push({ ...baseline, baseline: null, ratio: null });
    const gqlLeg = (name: string, expectStatus: 200 | 400, options: Partial<autocannon.Options>): Leg => ({
      name,
      path: '/graphql',
      expectStatus,
      options,
    });
    const legs: Leg[] = [
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
    for (const leg of legs) {
      const row = await run(service, leg);
      rows.push({ ...row, baseline: BASELINE, ratio: row.rate / baseline.rate });
    }
  } finally {
    await service.stop();
    await bare.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  emit(rows);
  if (PROFILE) {
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      console.log(`\nservice CPU profile: ${join(profileDir, file)}\ntop frames (self time):`);
      for (const line of topFrames(join(profileDir, file), 25)) console.log(`  ${line}`);
    }
  }
}

await main();
