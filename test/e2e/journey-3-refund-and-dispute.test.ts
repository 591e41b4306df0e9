import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceStack, type Caller } from '../helpers/service-stack.js';
import { auditRows, checkLedger, completedEvent, key, payForPack } from '../helpers/stack-actions.js';

interface PurchaseView {
  checkoutSessionId: string;
  status: string;
  creditsGranted: number;
  creditsClawedBack: number;
  clawbackShortfall: number;
  refunded: { amount: number };
}

/**
 * Journey 3: money goes back to a customer who already spent part of the credits. A half refund
 * of the Investor pack takes back what is still there, records the rest as shortfall and alerts;
 * the shortfall is owed and collected first from the next grants (a ledger entry and an audit row
 * each time) until it is zero; then a dispute on a Starter pack marks it, alerts, and once lost
 * takes back what remains — never below zero, exactly as the README's Payments section describes.
 */
describe('journey 3: a refund after partial spending, then a lost dispute', () => {
  let stack: ServiceStack;
  beforeAll(async () => {
    stack = await ServiceStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('claws back what is left, collects the shortfall from the next grants, and alerts', async () => {
    const customer = await stack.signIn();
    const staff = await stack.signIn(['support']);
    const backend = await stack.token({ roles: ['service'] });
    const balance = async () =>
      (await stack.gqlData<{ me: { balance: number } }>('{ me { balance } }', {}, customer.token)).me.balance;
    const spend = (c: Caller, amount: number) =>
      stack.gqlData(
        'mutation($a: ID!, $n: Int!, $k: String!) { spendCredits(accountId: $a, amount: $n, reason: "NOI analyses", idempotencyKey: $k) { balanceAfter } }',
        { a: c.accountId, n: amount, k: key('spend') },
        backend,
      );
    const purchase = async (sessionId: string) => {
      const { accountPurchases } = await stack.gqlData<{ accountPurchases: { nodes: PurchaseView[] } }>(
        'query($id: ID!) { accountPurchases(accountId: $id) { nodes { checkoutSessionId status creditsGranted creditsClawedBack clawbackShortfall refunded { amount } } } }',
        { id: customer.accountId },
        staff.token,
      );
      return accountPurchases.nodes.find((p) => p.checkoutSessionId === sessionId);
    };

    // Investor: 50 credits for $79.00; 40 are spent.
    const investor = await payForPack(stack, customer, 'investor');
    expect((await stack.webhook(completedEvent(stack, investor))).body.outcome).toBe('granted');
    await spend(customer, 40);
    expect(await balance()).toBe(10);

    // Half the money back: 25 credits are due, 10 are left to take, 15 are the shortfall.
    const charge = stack.stripe.refund(investor.id, 3950);
    const refunded = await stack.webhook(stack.stripe.event('charge.refunded', charge));
    expect(refunded).toMatchObject({ status: 200, body: { outcome: 'refund_clawed_back_with_shortfall' } });
    expect(await balance()).toBe(0);
    expect(await purchase(investor.id)).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      creditsGranted: 50,
      creditsClawedBack: 10,
      clawbackShortfall: 15,
      refunded: { amount: 3950 },
    });
    const shortfallAlert = await stack.alert('Credits could not be fully taken back');
    expect(shortfallAlert).toContain('15 credit(s)');
    // Stripe redelivers the refund: nothing more is taken.
    const redelivered = await stack.webhook(stack.stripe.event('charge.refunded', charge));
    expect(redelivered.status).toBe(200);
    expect(await balance()).toBe(0);

    // The 15 credits are owed and collected first from what the customer gets next. Starter A
    // (10 credits): granted, then all 10 collected — balance 10 − 10 = 0, 5 still owed.
    const starterA = await payForPack(stack, customer, 'starter');
    expect((await stack.webhook(completedEvent(stack, starterA))).body.outcome).toBe('granted');
    expect(await balance()).toBe(0);
    // Starter B (10 credits): granted, the last 5 collected — balance 10 − 5 = 5, nothing owed.
    const starter = await payForPack(stack, customer, 'starter');
    expect((await stack.webhook(completedEvent(stack, starter))).body.outcome).toBe('granted');
    expect(await balance()).toBe(5);
    // The purchase keeps the shortfall it recorded; collection does not rewrite it.
    expect(await purchase(investor.id)).toMatchObject({ creditsClawedBack: 10, clawbackShortfall: 15 });

    // 4 of Starter B's credits spent (5 − 4 = 1 left); then it is disputed.
    await spend(customer, 4);
    const opened = stack.stripe.dispute(starter.id);
    expect((await stack.webhook(stack.stripe.event('charge.dispute.created', opened))).body.outcome).toBe(
      'marked_disputed',
    );
    expect(await balance()).toBe(1); // a dispute alone takes nothing
    expect(await purchase(starter.id)).toMatchObject({ status: 'DISPUTED', creditsClawedBack: 0 });
    expect(await stack.alert('Stripe dispute opened')).toContain(opened.id);

    // Lost: its 10 credits are due; only 1 is left to take, 9 are the new shortfall (owed again).
    const lost = stack.stripe.dispute(starter.id, 'lost', opened.id);
    const closed = await stack.webhook(stack.stripe.event('charge.dispute.closed', lost));
    expect(closed.body.outcome).toBe('dispute_lost_clawed_back_with_shortfall');
    expect(await balance()).toBe(0);
    expect(await purchase(starter.id)).toMatchObject({
      status: 'DISPUTED',
      creditsGranted: 10,
      creditsClawedBack: 1,
      clawbackShortfall: 9,
    });
    // The first purchase is untouched by the second one's dispute.
    expect(await purchase(investor.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', creditsClawedBack: 10 });
    expect(await purchase(starterA.id)).toMatchObject({ status: 'PAID', creditsClawedBack: 0 });

    const { ledger } = await stack.gqlData<{
      ledger: { nodes: Array<{ amount: number; kind: string; balanceAfter: number; reason: string }> };
    }>('{ ledger(first: 50) { nodes { amount kind balanceAfter reason } } }', {}, customer.token);
    const entries = ledger.nodes.slice().reverse();
    expect(entries.map((e) => `${e.kind} ${e.amount} → ${e.balanceAfter}`)).toEqual([
      'PURCHASE 50 → 50',
      'SPEND -40 → 10',
      'REFUND_CLAWBACK -10 → 0',
      'PURCHASE 10 → 10',
      'REFUND_CLAWBACK -10 → 0', // collection from Starter A
      'PURCHASE 10 → 10',
      'REFUND_CLAWBACK -5 → 5', // collection from Starter B: the shortfall is paid off
      'SPEND -4 → 1',
      'DISPUTE_CLAWBACK -1 → 0',
    ]);
    expect(entries[4]?.reason).toContain('5 still owed');
    expect(entries[6]?.reason).toContain('0 still owed');
    expect((await checkLedger(stack, staff.token)).drift).toEqual([]);

    // Each collection is audited, by the system, on the customer's account.
    const admin = await stack.signIn(['admin']);
    const collections = (await auditRows(stack, admin.token)).filter(
      (r) => r.action === 'credits.collect_clawback_shortfall',
    );
    expect(
      collections.map((r) => [r.actor.type, r.target?.id, r.amount, r.balanceBefore, r.balanceAfter, r.details]),
    ).toEqual([
      ['system', customer.accountId, -10, 10, 0, expect.objectContaining({ owedBefore: 15, collected: 10 })],
      ['system', customer.accountId, -5, 10, 5, expect.objectContaining({ owedBefore: 5, collected: 5 })],
    ]);

    // The second shortfall fell in the first one's alert window: it arrives as the summary, at
    // the latest when the service stops.
    await stack.proc.stop('SIGTERM');
    expect(stack.alerts().some((a) => a.includes('1 more like: Credits could not be fully taken back'))).toBe(true);
  });
});
