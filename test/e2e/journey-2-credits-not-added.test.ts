import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonPress, slashCommand, supportMember } from '../fakes/discord/interactions.js';
import { answerText, ServiceStack, until } from '../helpers/service-stack.js';
import { auditRows, completedEvent, ledgerOf, payForPack } from '../helpers/stack-actions.js';

/**
 * Journey 2, the support runbook "credits not added after payment": the customer paid but the
 * webhook never arrived. Support runs /credits diagnose over the HTTP interactions endpoint,
 * presses "Grant missing credits"; the credits arrive once, and neither the late webhook nor the
 * scheduled reconciliation (its cron compressed to every second here) grants them again.
 */
describe('journey 2: credits not added after payment', () => {
  let stack: ServiceStack;
  beforeAll(async () => {
    stack = await ServiceStack.start({ env: { RECONCILE_CRON: '* * * * * *' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('support grants the missing credits once; the late webhook and reconciliation change nothing', async () => {
    const customer = await stack.signIn();
    const staff = await stack.signIn(['admin']);
    const balance = async () =>
      (await stack.gqlData<{ me: { balance: number } }>('{ me { balance } }', {}, customer.token)).me.balance;
    const reconcileRuns = async () =>
      (
        await stack.gqlData<{
          jobRuns: Array<{ id: string; outcome: string; summary: string | null; startedAt: string }>;
        }>('{ jobRuns(job: "reconcile-stripe", first: 50) { id outcome summary startedAt } }', {}, staff.token)
      ).jobRuns;

    // Paid at Stripe, webhook lost. Stripe's session list lags behind (as Stripe's lists may): the
    // session is dated ahead so that reconciliation, which lists sessions created up to now, only
    // sees it once support has acted, and the journey runs in the runbook's order every time.
    const session = await payForPack(stack, customer, 'starter');
    const paidAt = session.created;
    session.created = paidAt + 3600;
    const alice = supportMember('alice');

    const diagnosis = await stack.interact(slashCommand(alice, 'credits', 'diagnose', { email: customer.email }));
    expect(answerText(diagnosis)).toContain(`Payments of ${customer.email}`);
    expect(answerText(diagnosis)).toContain(session.id);
    const grant = diagnosis.buttons.find((b) => b.label?.startsWith('Grant missing credits'));
    expect(grant?.label).toBe('Grant missing credits (10)');
    expect(await balance()).toBe(0);

    const granted = await stack.interact(buttonPress(alice, grant?.custom_id ?? ''));
    expect(answerText(granted)).toContain('Granted 10 missing credits');
    expect(await balance()).toBe(10);
    const again = await stack.interact(buttonPress(alice, grant?.custom_id ?? ''));
    expect(answerText(again)).toContain('Nothing more to grant');
    expect(await balance()).toBe(10);
    const before = await reconcileRuns();
    expect(before.filter((r) => (JSON.parse(r.summary ?? '{}') as { healed?: number }).healed)).toEqual([]);

    const late = await stack.webhook(completedEvent(stack, session));
    expect(late).toMatchObject({ status: 200, body: { outcome: 'already_granted' } });

    // Now the list shows the session: the next runs of the reconciliation job find it already granted.
    session.created = paidAt;
    const seen = await until('a reconcile-stripe run that saw the session', async () => {
      const runs = await reconcileRuns();
      return runs.find((r) => r.outcome === 'SUCCEEDED' && JSON.parse(r.summary ?? '{}').alreadyGranted >= 1);
    });
    expect(JSON.parse(seen.summary ?? '{}')).toMatchObject({ healed: 0, failed: 0, alreadyGranted: 1 });
    expect((await reconcileRuns()).filter((r) => r.outcome === 'FAILED')).toEqual([]);

    expect(await balance()).toBe(10);
    const entries = await ledgerOf(stack, staff.token, customer.accountId);
    expect(entries).toEqual([{ amount: 10, kind: 'PURCHASE' }]);
    const { accountPurchases } = await stack.gqlData<{
      accountPurchases: { nodes: Array<{ checkoutSessionId: string; status: string; creditsGranted: number }> };
    }>(
      'query($id: ID!) { accountPurchases(accountId: $id) { nodes { checkoutSessionId status creditsGranted } } }',
      { id: customer.accountId },
      staff.token,
    );
    expect(accountPurchases.nodes).toEqual([{ checkoutSessionId: session.id, status: 'PAID', creditsGranted: 10 }]);

    const after2 = await stack.interact(slashCommand(alice, 'credits', 'diagnose', { email: customer.email }));
    expect(after2.buttons).toEqual([]);
    expect(answerText(after2)).toContain('every paid session was granted');

    // The grant is on record once, with the support member as actor.
    const audit = await auditRows(stack, staff.token);
    expect(audit.filter((r) => r.action === 'payments.grant_missing')).toEqual([
      expect.objectContaining({ actor: expect.objectContaining({ type: 'discord', id: alice.id, name: 'alice' }) }),
    ]);
  });
});
