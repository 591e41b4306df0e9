import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { signDevToken } from '../../../src/graphql/auth/jwt.signer.js';
import { startService, type RunningService } from '../../../src/main.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { signatureHeader } from '../../fakes/stripe/stripe-webhook.sender.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

const SECRET = 'metrics-test-hs256-secret-0123456789abcdef';
const WHSEC = 'whsec_metrics_test';
const running: RunningService[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

async function start(env: Record<string, string> = {}): Promise<RunningService> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PROCESS_ROLES: 'api,jobs',
    AUTH_JWT_SECRET: SECRET,
    STRIPE_WEBHOOK_SECRET: WHSEC,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'noi-metrics-')),
    ...env,
  });
  const r = await startService({ config, store: new MemoryStore(), logger: new RecordingLogger() });
  running.push(r);
  return r;
}

const scrape = async (r: RunningService, headers: Record<string, string> = {}): Promise<string> => {
  const res = await fetch(`${r.url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return res.text();
};
/** Every series (name + labels) of one metric. */
const series = (text: string, name: string): string[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .map((l) => l.split(' ')[0]!);

async function gql(r: RunningService, query: string, variables: object, roles: string[]): Promise<unknown> {
  const token = await signDevToken({
    secret: SECRET,
    subject: `m|${roles[0]}`,
    email: `${roles[0]}@example.com`,
    roles: roles as never,
  });
  const res = await fetch(`${r.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('/metrics', () => {
  it('shows ledger movements, webhook outcomes, job runs, the last backup and operation durations', async () => {
    const r = await start();
    const { me } = (await gql(r, '{ me { id } }', {}, ['user'])) as { me: { id: string } };
    await gql(
      r,
      'mutation($id: ID!) { adjustCredits(accountId: $id, amount: 5, reason: "goodwill", idempotencyKey: "m1") { id } }',
      { id: me.id },
      ['support'],
    );
    await gql(
      r,
      'mutation($id: ID!) { spendCredits(accountId: $id, amount: 2, reason: "analysis", idempotencyKey: "m2") { id } }',
      { id: me.id },
      ['service'],
    );
    const payload = JSON.stringify({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'customer.created',
      data: { object: {} },
    });
    const hook = await fetch(`${r.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader(payload, WHSEC) },
      body: payload,
    });
    expect(hook.status).toBe(200);
    expect((await r.scheduler!.runNow('verify-ledger')).outcome).toBe('succeeded');
    expect((await r.scheduler!.runNow('backup')).outcome).toBe('succeeded');

    const text = await scrape(r);
    expect(text).toMatch(/^ledger_movements_total\{kind="adjustment"\} 1$/m);
    expect(text).toMatch(/^ledger_movements_total\{kind="spend"\} 1$/m);
    expect(text).toMatch(/^stripe_webhook_events_total\{outcome="ignored"\} 1$/m);
    expect(text).toMatch(/^job_runs_total\{job="verify-ledger",outcome="succeeded"\} 1$/m);
    expect(text).toMatch(/^job_runs_total\{job="backup",outcome="succeeded"\} 1$/m);
    const [, when] = /^backup_last_success_timestamp_seconds (\S+)$/m.exec(text) ?? [];
    expect(Math.abs(Number(when) - Date.now() / 1000)).toBeLessThan(600);
    expect(Number(/^backup_last_success_bytes (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/^graphql_operation_duration_seconds_count\{operation="spendCredits",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/graphql",status="200"\} \d+$/m);
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/webhooks\/stripe",status="200"\} 1$/m,
    );
  });

  it('adds no label value for 1,000 requests to random unknown paths or operation names', async () => {
    const r = await start();
    await fetch(`${r.url}/warm-up/${randomUUID()}`);
    await fetch(`${r.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Warm { __typename }' }),
    });
    await scrape(r); // the scrape itself is a request too
    const before = await scrape(r);
    for (let i = 0; i < 1000; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          j % 5 === 0
            ? fetch(`${r.url}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ query: `query Op${randomUUID().slice(0, 8)} { __typename }` }),
              }).then((res) => res.arrayBuffer())
            : fetch(`${r.url}/${randomUUID()}/${i + j}?q=${randomUUID()}`).then((res) => res.arrayBuffer()),
        ),
      );
    const after = await scrape(r);
    for (const name of ['http_request_duration_seconds_count', 'graphql_operation_duration_seconds_count'])
      expect(series(after, name), name).toEqual(series(before, name));
    expect(after).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 801$/m);
  });

  it('wants the METRICS_TOKEN bearer token when one is set', async () => {
    const r = await start({ METRICS_TOKEN: 'scrape-token-0123456789' });
    expect((await fetch(`${r.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${r.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect(await scrape(r, { authorization: 'Bearer scrape-token-0123456789' })).toContain(
      'http_request_duration_seconds',
    );
  });
});
