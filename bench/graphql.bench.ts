/**
 * GraphQL over HTTP under load (autocannon, 64 connections, 10 s each): `spendCredits` by a
 * service token, then a trivial `{ __typename }` query, against one real server on the memory
 * engine running in a child process (so the load generator does not share its event loop).
 * Prints req/s, p50 and p99 of both and their ratio, and checks that the final balance equals the
 * initial one minus the spends that succeeded.
 *
 *   npx tsx bench/graphql.bench.ts            (or `npm run bench -- graphql`)
 *   npx tsx bench/graphql.bench.ts --seconds=3      (a quicker look)
 *   npx tsx bench/graphql.bench.ts --profile        (CPU profile of the server)
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = 64;
const SECONDS = Number(process.argv.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 10);
const INITIAL = 1_000_000;
/** `--profile`: the server writes a V8 CPU profile (open it in Chrome DevTools) when it stops. */
const PROFILE = process.argv.includes('--profile');
const PROFILE_DIR = join(tmpdir(), 'noi-bench-profiles');

interface Ready {
  url: string;
  accountId: string;
  serviceToken: string;
  supportToken: string;
}

/** The server side: the real composition root on 127.0.0.1:0, one funded account, two tokens. */
async function serve(): Promise<void> {
  const { loadConfig } = await import('../src/config.js');
  const { startService } = await import('../src/main.js');
  const { MemoryStore } = await import('../src/store/memory/memory.store.js');
  const { signDevToken } = await import('../src/graphql/auth/jwt.signer.js');
  const secret = 'bench-only-hs256-secret-0123456789abcdef';
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PROCESS_ROLES: 'api',
    LOG_LEVEL: 'silent',
    AUTH_JWT_SECRET: secret,
  });
  const running = await startService({ config, store: new MemoryStore() });
  const account = await running.services.accounts.findOrCreateBySubject({
    subject: 'bench|user',
    email: 'bench@example.com',
  });
  await running.services.ledger.grant({
    accountId: account.id,
    amount: INITIAL,
    reason: 'benchmark funds',
    idempotencyKey: 'bench-funds',
    actor: { type: 'system', id: 'bench' },
    source: { type: 'system' },
  });
  const ready: Ready = {
    url: running.url,
    accountId: account.id,
    serviceToken: await signDevToken({ secret, subject: 'bench-service', roles: ['service'], ttl: '1h' }),
    supportToken: await signDevToken({
      secret,
      subject: 'bench-support',
      email: 'support@example.com',
      roles: ['support'],
      ttl: '1h',
    }),
  };
  process.send?.(ready);
  process.on('message', () => void running.close().then(() => process.exit(0)));
}

interface Run {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

async function load(url: string, requests: autocannon.Request[]): Promise<Run> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

async function main(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx', ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])],
    stdio: 'inherit',
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  const graphqlUrl = `${ready.url}/graphql`;
  const headers = (token?: string) => ({
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const SPEND =
    'mutation($id: ID!, $key: String!) { spendCredits(accountId: $id, amount: 1, reason: "bench", idempotencyKey: $key) { balanceAfter } }';

  let n = 0;
  let spent = 0;
  let failed = 0;
  // autocannon stops at the deadline without reading the responses still in flight (up to one per
  // connection); their spends may or may not have happened. Replaying exactly those keys afterwards
  // settles it: an idempotent replay answers the original result, or performs the spend now.
  const unanswered = new Set<string>();
  const settle = (status: number, body: string): void => {
    if (status === 200 && !body.includes('"errors"')) spent += 1;
    else failed += 1;
  };
  console.log(`spendCredits: ${CONNECTIONS} connections, ${SECONDS} s …`);
  const spend = await load(graphqlUrl, [
    {
      method: 'POST',
      headers: headers(ready.serviceToken),
      setupRequest: (req, context) => {
        n += 1;
        const key = `bench-${n}`;
        (context as { key?: string }).key = key;
        unanswered.add(key);
        return { ...req, body: JSON.stringify({ query: SPEND, variables: { id: ready.accountId, key } }) };
      },
      onResponse: (status, body, context) => {
        unanswered.delete((context as { key?: string }).key ?? '');
        settle(status, body);
      },
    },
  ]);
  const replayed = unanswered.size;
  for (const key of unanswered) {
    const r = await fetch(graphqlUrl, {
      method: 'POST',
      headers: headers(ready.serviceToken),
      body: JSON.stringify({ query: SPEND, variables: { id: ready.accountId, key } }),
    });
    settle(r.status, await r.text());
  }

  console.log(`{ __typename }: ${CONNECTIONS} connections, ${SECONDS} s …`);
  const trivial = await load(graphqlUrl, [
    { method: 'POST', headers: headers(), body: JSON.stringify({ query: '{ __typename }' }) },
  ]);

  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: headers(ready.supportToken),
    body: JSON.stringify({
      query: 'query($id: ID) { account(id: $id) { balance } }',
      variables: { id: ready.accountId },
    }),
  });
  const final = ((await res.json()) as { data: { account: { balance: number } } }).data.account.balance;
  child.send('stop');

  const row = (name: string, r: Run) =>
    `${name.padEnd(16)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   (${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} socket errors)`;
  console.log('');
  console.log(row('spendCredits', spend));
  console.log(row('{ __typename }', trivial));
  console.log(`ratio spendCredits / __typename: ${(spend.rps / trivial.rps).toFixed(3)}`);
  console.log(
    `spends: ${spent} succeeded, ${failed} failed (${replayed} cut off at the deadline, settled by replaying their keys)`,
  );
  const ok = final === INITIAL - spent;
  console.log(
    `final balance ${final} ${ok ? '==' : '!='} ${INITIAL} − ${spent} = ${INITIAL - spent}: ${ok ? 'OK' : 'MISMATCH'}`,
  );
  if (PROFILE) console.log(`server CPU profile: ${PROFILE_DIR}`);
  if (!ok || failed > 0) process.exitCode = 1;
}

if (process.argv.includes('--serve')) await serve();
else await main();
