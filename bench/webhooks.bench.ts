/**
 * Stripe webhook ingestion over HTTP: signed `checkout.session.completed` deliveries, 30% of them
 * redeliveries of events already sent (or in flight), against the real server on the memory engine.
 * Prints deliveries/s, p50/p99 latency, and in the same run the rate of bare signature verification
 * (`Stripe.webhooks.constructEvent`) with the ratio; then checks that no event granted twice.
 * `npx tsx bench/webhooks.bench.ts [uniqueEvents] [concurrency]`.
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/main.js';
import { MemoryStore } from '../src/store/memory/memory.store.js';

const UNIQUE = Number(process.argv[2] ?? 3000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const DUPLICATE_SHARE = 0.3;
const ACCOUNTS = 100;
const CREDITS = 10;
const SECRET = 'whsec_bench_secret';

interface Delivery {
  eventId: string;
  payload: string;
  header: string;
}

function completion(accountId: string): { id: string; payload: string } {
  const id = `evt_bench_${randomBytes(10).toString('hex')}`;
  const sessionId = `cs_bench_${randomBytes(10).toString('hex')}`;
  const now = Math.floor(Date.now() / 1000);
  const event = {
    id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: now,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: 'checkout.session.completed',
    data: {
      object: {
        id: sessionId,
        object: 'checkout.session',
        mode: 'payment',
        status: 'complete',
        payment_status: 'paid',
        client_reference_id: accountId,
        customer: null,
        metadata: { accountId, packageId: 'starter', credits: String(CREDITS) },
        amount_total: 1900,
        currency: 'usd',
        payment_intent: `pi_bench_${randomBytes(10).toString('hex')}`,
        created: now,
        expires_at: now + 86_400,
        url: null,
      },
    },
  };
  return { id, payload: JSON.stringify(event) };
}

function shuffle<T>(a: T[]): T[] {
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PROCESS_ROLES: 'api',
    LOG_LEVEL: 'silent',
    STRIPE_WEBHOOK_SECRET: SECRET,
  });
  const store = new MemoryStore();
  const app = await startService({ config, store, logger: createLogger('silent') });
  const accounts: Array<{ id: string }> = [];
  for (let i = 0; i < ACCOUNTS; i += 1)
    accounts.push(
      await app.services.accounts.findOrCreateBySubject({ subject: `bench-${i}`, email: `bench${i}@example.com` }),
    );

  const unique = Array.from({ length: UNIQUE }, (_, i) => completion((accounts[i % ACCOUNTS] as { id: string }).id));
  type Unsigned = (typeof unique)[number];
  const total = Math.round(UNIQUE / (1 - DUPLICATE_SHARE));
  const deliveries: Unsigned[] = [...unique];
  while (deliveries.length < total) deliveries.push(unique[Math.floor(Math.random() * UNIQUE)] as Unsigned);
  const signed = shuffle(deliveries).map((d) => ({
    eventId: d.id,
    payload: d.payload,
    header: Stripe.webhooks.generateTestHeaderString({ payload: d.payload, secret: SECRET }),
  }));

  // Warm-up outside the measurement (JIT, sockets).
  const url = `${app.url}/webhooks/stripe`;
  const post = (d: Delivery) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': d.header },
      body: d.payload,
    });
  for (let i = 0; i < 50; i += 1) await (await post({ eventId: '', payload: '{}', header: 'x' })).text();

  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < signed.length) {
        const d = signed[next++] as Delivery;
        const t0 = process.hrtime.bigint();
        const res = await post(d);
        const body = (await res.json()) as { status?: string };
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const key = `${res.status} ${body.status ?? '?'}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const ingestRate = signed.length / seconds;
  latencies.sort((a, b) => a - b);

  // The HTTP floor: the same requests answered 400 at the signature check (no store work at all).
  next = 0;
  const floorStarted = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < signed.length) {
        const d = signed[next++] as Delivery;
        await (await post({ ...d, header: d.header.replace('v1=', 'v1=0') })).text();
      }
    }),
  );
  const floorRate = signed.length / (Number(process.hrtime.bigint() - floorStarted) / 1e9);

  const verifyStarted = process.hrtime.bigint();
  for (const d of signed) Stripe.webhooks.constructEvent(d.payload, d.header, SECRET, 300);
  const verifyRate = signed.length / (Number(process.hrtime.bigint() - verifyStarted) / 1e9);

  console.log(
    `deliveries: ${signed.length} (${UNIQUE} unique events, ${signed.length - UNIQUE} redeliveries = ` +
      `${(((signed.length - UNIQUE) / signed.length) * 100).toFixed(0)}%), concurrency ${CONCURRENCY}`,
  );
  console.log(`responses: ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
  console.log(`webhook ingestion over HTTP        ${ingestRate.toFixed(0)} deliveries/s in ${seconds.toFixed(2)} s`);
  console.log(
    `latency                            p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
      `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${(latencies[latencies.length - 1] ?? 0).toFixed(1)} ms`,
  );
  console.log(`HTTP floor (rejected at signature) ${floorRate.toFixed(0)} requests/s`);
  console.log(`bare signature verification        ${verifyRate.toFixed(0)} verifications/s`);
  console.log(`ratio ingestion / bare verification: ${(ingestRate / verifyRate).toFixed(4)}`);
  console.log(`ratio ingestion / HTTP floor:        ${(ingestRate / floorRate).toFixed(3)}`);

  const entries = await store.collection('ledgerEntries').count({ kind: 'purchase' });
  const processed = await store.collection('processedEvents').count();
  const perAccount = await store.collection('ledgerEntries').sumBy('accountId', 'amount');
  const expected = (i: number) => CREDITS * Math.ceil((UNIQUE - i) / ACCOUNTS);
  const wrong = accounts.filter((a, i) => perAccount.get(a.id) !== expected(i));
  const verification = await app.services.ledger.verifyLedger();
  const ok =
    entries === UNIQUE &&
    processed === UNIQUE &&
    wrong.length === 0 &&
    verification.ok &&
    (statuses.get('200 processed') ?? 0) === UNIQUE;
  console.log(
    `no event granted twice: ${ok ? 'OK' : 'FAILED'} (${entries} grants, ${processed} processed events for ` +
      `${UNIQUE} unique; ${wrong.length} accounts off; ledger ${verification.ok ? 'consistent' : 'DRIFT'})`,
  );
  await app.close();
  if (!ok) process.exit(1);
}

await main();
