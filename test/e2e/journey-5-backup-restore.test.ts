import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceStack, type Caller } from '../helpers/service-stack.js';
import {
  ANALYZE,
  checkLedger,
  completedEvent,
  key,
  ledgerOf,
  payForPack,
  typedInput,
} from '../helpers/stack-actions.js';

const BACKUP = 'mutation { createBackup { name documents } }';
const VERIFY = 'mutation($n: String!) { verifyBackup(name: $n) { ok problems { file line problem } } }';
const RESTORE = 'mutation($n: String!) { restoreBackup(name: $n, confirm: true) { name documents } }';

/**
 * Journey 5: the operator's day. Backup through admin GraphQL, verify it, then the data is damaged
 * (credits removed, spent, a new customer and purchase), restore, and check that everything is as
 * it was at the backup: balances, ledgers, purchases, analyses, the indexes (duplicate events and
 * reused idempotency keys are still recognised), and the ledger invariant.
 */
describe('journey 5: backup, damage, restore, verify', () => {
  let stack: ServiceStack;
  beforeAll(async () => {
    stack = await ServiceStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('brings back everything the backup holds, indexes included', async () => {
    const admin = await stack.signIn(['admin']);
    const backend = await stack.token({ roles: ['service'] });
    const ana = await stack.signIn();
    const ben = await stack.signIn();
    const anaSession = await payForPack(stack, ana, 'investor');
    const anaCompleted = completedEvent(stack, anaSession);
    expect((await stack.webhook(anaCompleted)).body.outcome).toBe('granted');
    await payForPack(stack, ben, 'starter').then((s) => stack.webhook(completedEvent(stack, s)));
    await stack.gqlData(ANALYZE, { input: typedInput('Birch Row', 80_000, 25_000), key: key('a') }, ana.token);
    const spendKey = key('spend');
    const spend = (c: Caller, amount: number, k: string) =>
      stack.gql<{ spendCredits: { id: string; balanceAfter: number } }>(
        'mutation($a: ID!, $n: Int!, $k: String!) { spendCredits(accountId: $a, amount: $n, reason: "batch", idempotencyKey: $k) { id balanceAfter } }',
        { a: c.accountId, n: amount, k },
        backend,
      );
    const firstSpend = (await spend(ben, 3, spendKey)).data?.spendCredits;
    expect(firstSpend?.balanceAfter).toBe(7);

    const before = await snapshot(stack, admin.token, [ana, ben]);
    expect(before.balances).toEqual([49, 7]);

    const { createBackup } = await stack.gqlData<{ createBackup: { name: string; documents: number } }>(
      BACKUP,
      {},
      admin.token,
    );
    const { verifyBackup } = await stack.gqlData<{ verifyBackup: { ok: boolean; problems: unknown[] } }>(
      VERIFY,
      { n: createBackup.name },
      admin.token,
    );
    expect(verifyBackup).toEqual({ ok: true, problems: [] });

    // Damage: credits removed and spent, a new customer who buys.
    await stack.gqlData(
      'mutation($a: ID!, $k: String!) { adjustCredits(accountId: $a, amount: -49, reason: "mistake", idempotencyKey: $k) { id } }',
      { a: ana.accountId, k: key('oops') },
      admin.token,
    );
    await spend(ben, 7, key('spend'));
    const cleo = await stack.signIn();
    await payForPack(stack, cleo, 'portfolio').then((s) => stack.webhook(completedEvent(stack, s)));
    expect((await snapshot(stack, admin.token, [ana, ben])).balances).toEqual([0, 0]);

    const { restoreBackup } = await stack.gqlData<{ restoreBackup: { name: string; documents: number } }>(
      RESTORE,
      { n: createBackup.name },
      admin.token,
    );
    expect(restoreBackup.name).toBe(createBackup.name);

    // Everything back.
    expect(await snapshot(stack, admin.token, [ana, ben])).toEqual(before);
    const gone = await stack.gqlData<{ account: unknown }>(
      'query($e: String!) { account(email: $e) { id } }',
      { e: cleo.email },
      admin.token,
    );
    expect(gone.account).toBeNull();
    expect((await checkLedger(stack, admin.token)).drift).toEqual([]);

    // The indexes came back with the data: a redelivered event is a duplicate, a reused key replays.
    const again = await stack.webhook(anaCompleted);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    expect((await spend(ben, 3, spendKey)).data?.spendCredits).toEqual(firstSpend);
    const reused = await spend(ben, 4, spendKey);
    expect(reused.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await snapshot(stack, admin.token, [ana, ben])).balances).toEqual([49, 7]);

    // A backup of the restored data verifies and declares the same indexes as the original.
    const { createBackup: after } = await stack.gqlData<{ createBackup: { name: string } }>(BACKUP, {}, admin.token);
    expect(
      (await stack.gqlData<{ verifyBackup: { ok: boolean } }>(VERIFY, { n: after.name }, admin.token)).verifyBackup.ok,
    ).toBe(true);
    expect(indexesOf(stack, after.name)).toEqual(indexesOf(stack, createBackup.name));
  });
});

/** Balances, ledgers, purchases and analyses of the given customers, as support and they see them. */
async function snapshot(stack: ServiceStack, adminToken: string, customers: Caller[]) {
  const balances: number[] = [];
  const ledgers: unknown[] = [];
  const purchases: unknown[] = [];
  const analyses: unknown[] = [];
  for (const c of customers) {
    const { me } = await stack.gqlData<{ me: { balance: number } }>('{ me { balance } }', {}, c.token);
    balances.push(me.balance);
    ledgers.push(await ledgerOf(stack, adminToken, c.accountId));
    purchases.push(
      await stack.gqlData('{ purchases { nodes { id checkoutSessionId status creditsGranted } } }', {}, c.token),
    );
    analyses.push(await stack.gqlData('{ analyses { nodes { id status creditsCharged } } }', {}, c.token));
  }
  return { balances, ledgers, purchases, analyses };
}

/** The indexes a backup recorded, per collection (from its `*.metadata.json` files). */
function indexesOf(stack: ServiceStack, name: string): Record<string, unknown> {
  const dir = join(stack.dataDir, 'backups', name);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.metadata.json'))
      .sort()
      .map((f) => [f, (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { indexes: unknown }).indexes]),
  );
}
