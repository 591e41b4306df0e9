import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceStack, type Caller } from '../helpers/service-stack.js';
import { checkLedger, completedEvent, key, payForPack } from '../helpers/stack-actions.js';

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
 * then a dispute on a Starter pack marks it, alerts, and once lost takes back what remains —
 * never below zero, exactly as the README's Payments section describes.
 */
describe('journey 3: a refund after partial spending, then a lost dispute', () => {
  let stack: ServiceStack;
  beforeAll(async () => {
    stack = await ServiceStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('claws back what is left, records the shortfall, and alerts', async () => {
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

    // Starter: 10 credits for $19.00; 4 spent; then disputed.
    const starter = await payForPack(stack, customer, 'starter');
    expect((await stack.webhook(completedEvent(stack, starter))).body.outcome).toBe('granted');
    await spend(customer, 4);
    const opened = stack.stripe.dispute(starter.id);
    expect((await stack.webhook(stack.stripe.event('charge.dispute.created', opened))).body.outcome).toBe(
      'marked_disputed',
    );
    expect(await balance()).toBe(6); // a dispute alone takes nothing
    expect(await purchase(starter.id)).toMatchObject({ status: 'DISPUTED', creditsClawedBack: 0 });
    expect(await stack.alert('Stripe dispute opened')).toContain(opened.id);

    // Lost: what remains (6) is taken back; 4 were spent.
    const lost = stack.stripe.dispute(starter.id, 'lost', opened.id);
    const closed = await stack.webhook(stack.stripe.event('charge.dispute.closed', lost));
    expect(closed.body.outcome).toBe('dispute_lost_clawed_back_with_shortfall');
    expect(await balance()).toBe(0);
    expect(await purchase(starter.id)).toMatchObject({
      status: 'DISPUTED',
      creditsGranted: 10,
      creditsClawedBack: 6,
      clawbackShortfall: 4,
    });
    // The first purchase is untouched by the second one's dispute.
    expect(await purchase(investor.id)).toMatchObject({ status: 'PARTIALLY_REFUNDED', creditsClawedBack: 10 });

    const { ledger } = await stack.gqlData<{ ledger: { nodes: Array<{ amount: number; kind: string }> } }>(
      '{ ledger(first: 50) { nodes { amount kind } } }',
      {},
      customer.token,
    );
    expect(ledger.nodes.map((e) => `${e.kind} ${e.amount}`).reverse()).toEqual([
      'PURCHASE 50',
      'SPEND -40',
      'REFUND_CLAWBACK -10',
      'PURCHASE 10',
      'SPEND -4',
      'DISPUTE_CLAWBACK -6',
    ]);
    expect((await checkLedger(stack, staff.token)).drift).toEqual([]);

    // The second shortfall fell in the first one's alert window: it arrives as the summary, at
    // the latest when the service stops.
    await stack.proc.stop('SIGTERM');
    expect(stack.alerts().some((a) => a.includes('1 more like: Credits could not be fully taken back'))).toBe(true);
  });
});
