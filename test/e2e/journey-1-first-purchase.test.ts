import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply } from '../fakes/openai/openai.fake.js';
import { ServiceStack } from '../helpers/service-stack.js';
import { ANALYZE, completedEvent, key, payForPack, typedInput } from '../helpers/stack-actions.js';

/**
 * Journey 1: a new customer signs in, reads the price list, buys a pack through Stripe Checkout,
 * runs three analyses (two typed, one pasted statement read by the model), then reads the ledger
 * and the analyses: every figure agrees with what was bought and spent.
 */
describe('journey 1: first purchase and three analyses', () => {
  let stack: ServiceStack;
  beforeAll(async () => {
    stack = await ServiceStack.start();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('buys the Investor pack, spends three credits, and every figure matches', async () => {
    const { creditPackages } = await stack.gqlData<{ creditPackages: Array<{ id: string; credits: number }> }>(
      '{ creditPackages { id name credits price { amount currency } } }',
    );
    const investor = creditPackages.find((p) => p.id === 'investor');
    expect(investor).toMatchObject({ credits: 50 });

    const customer = await stack.signIn();
    const me = () =>
      stack.gqlData<{ me: { balance: number; reserved: number; available: number } }>(
        '{ me { balance reserved available } }',
        {},
        customer.token,
      );
    expect((await me()).me).toEqual({ balance: 0, reserved: 0, available: 0 });

    const session = await payForPack(stack, customer, 'investor');
    expect(session.client_reference_id).toBe(customer.accountId);
    const purchases = async () =>
      (
        await stack.gqlData<{
          purchases: { nodes: Array<{ packageId: string; credits: number; status: string; creditsGranted: number }> };
        }>('{ purchases { nodes { packageId credits status creditsGranted price { amount } } } }', {}, customer.token)
      ).purchases.nodes;
    expect(await purchases()).toEqual([
      expect.objectContaining({ packageId: 'investor', credits: 50, status: 'OPEN', creditsGranted: 0 }),
    ]);

    const delivery = await stack.webhook(completedEvent(stack, session));
    expect(delivery).toMatchObject({ status: 200, body: { outcome: 'granted' } });
    expect((await me()).me).toEqual({ balance: 50, reserved: 0, available: 50 });
    expect(await purchases()).toEqual([expect.objectContaining({ status: 'PAID', creditsGranted: 50 })]);

    // Two typed analyses, then a pasted statement the (fake) model reads.
    const typed = [typedInput('Elm Street', 100_000, 30_000), typedInput('Oak Court', 60_000, 20_000)];
    const results: Array<{ id: string; noi: number }> = [];
    for (const input of typed) {
      const { analyzeProperty: a } = await stack.gqlData<{
        analyzeProperty: { id: string; status: string; creditsCharged: number; result: { netOperatingIncome: number } };
      }>(ANALYZE, { input, key: key('analysis') }, customer.token);
      expect(a).toMatchObject({ status: 'SUCCEEDED', creditsCharged: 1 });
      results.push({ id: a.id, noi: a.result.netOperatingIncome });
    }
    expect(results.map((r) => r.noi)).toEqual([65_000, 37_000]); // 95 % of rent − taxes
    stack.openai.script(
      reply.answer({
        property: { name: 'Maple Court', units: 8, rentableSquareFeet: null },
        period: 'ANNUAL',
        incomeLines: [{ label: 'Rental income', category: 'RENT', amount: 120_000, monthly: null }],
        vacancyAndCreditLoss: { ratePercent: null, amount: 6_000, monthly: null },
        expenseLines: [{ label: 'Insurance', category: 'INSURANCE', amount: 14_000, monthly: null }],
        annualDebtService: null,
      }),
    );
    const { analyzeProperty: read } = await stack.gqlData<{
      analyzeProperty: { id: string; status: string; creditsCharged: number; result: { netOperatingIncome: number } };
    }>(
      ANALYZE,
      { input: { statementText: 'MAPLE COURT (8 units)\nRental income $120,000 …' }, key: key('paste') },
      customer.token,
    );
    expect(read).toMatchObject({ status: 'SUCCEEDED', creditsCharged: 1, result: { netOperatingIncome: 100_000 } });
    results.push({ id: read.id, noi: read.result.netOperatingIncome });
    expect(stack.openai.requests).toHaveLength(1);

    expect((await me()).me).toEqual({ balance: 47, reserved: 0, available: 47 });

    const { ledger } = await stack.gqlData<{
      ledger: {
        nodes: Array<{
          amount: number;
          balanceAfter: number;
          kind: string;
          source: { type: string; ref: string | null };
        }>;
      };
    }>('{ ledger(first: 50) { nodes { amount balanceAfter kind source { type ref } } } }', {}, customer.token);
    // Newest first: the latest balanceAfter is the balance, and the entries add up to it.
    expect(ledger.nodes[0]?.balanceAfter).toBe(47);
    expect(ledger.nodes.reduce((s, e) => s + e.amount, 0)).toBe(47);
    const purchase = ledger.nodes.filter((e) => e.kind === 'PURCHASE');
    expect(purchase).toEqual([
      { amount: 50, balanceAfter: 50, kind: 'PURCHASE', source: { type: 'STRIPE', ref: session.id } },
    ]);
    expect(ledger.nodes.filter((e) => e.kind === 'SPEND').map((e) => e.amount)).toEqual([-1, -1, -1]);

    const { analyses } = await stack.gqlData<{
      analyses: {
        nodes: Array<{ id: string; status: string; creditsCharged: number; result: { netOperatingIncome: number } }>;
      };
    }>(
      '{ analyses(first: 10) { nodes { id status creditsCharged result { netOperatingIncome } } } }',
      {},
      customer.token,
    );
    expect(analyses.nodes.map((a) => ({ id: a.id, noi: a.result.netOperatingIncome }))).toEqual([...results].reverse());
    expect(analyses.nodes.every((a) => a.status === 'SUCCEEDED' && a.creditsCharged === 1)).toBe(true);

    // Another customer sees none of it.
    const stranger = await stack.signIn();
    const other = await stack.gql(`{ analysis(id: "${results[0]?.id}") { id } }`, {}, stranger.token);
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
