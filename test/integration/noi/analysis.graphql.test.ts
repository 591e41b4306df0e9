import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startOpenAIFake, type OpenAIFake } from '../../fakes/openai/openai.fake.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { STATEMENT_TEXT, goodExtraction, typedInput } from './analysis-harness.js';

const ANALYZE = /* GraphQL */ `
  mutation Analyze($input: AnalyzePropertyInput!, $key: String!) {
    analyzeProperty(input: $input, idempotencyKey: $key) {
      id
      status
      source
      creditsCharged
      statement {
        property {
          name
          units
        }
        expenseLines {
          label
          amount
        }
      }
      result {
        grossPotentialIncome
        effectiveGrossIncome
        operatingExpenses
        netOperatingIncome
        expenseRatioPercent
        noiPerUnit
        valuations {
          capRatePercent
          value
        }
        excludedLines {
          label
          amount
          reason
        }
        warnings {
          code
          label
        }
      }
    }
  }
`;

interface AnalyzeData {
  analyzeProperty: {
    id: string;
    status: string;
    source: string;
    creditsCharged: number;
    statement: { property: { name: string }; expenseLines: Array<{ label: string; amount: number }> };
    result: Record<string, unknown>;
  };
}

describe('GraphQL analyses', () => {
  let fake: OpenAIFake;
  let srv: TestServer;
  beforeAll(async () => {
    fake = await startOpenAIFake();
    srv = await startTestServer({
      OPENAI_API_KEY: 'sk-test-fake',
      OPENAI_BASE_URL: fake.baseURL,
      OPENAI_MODEL: 'gpt-test-model',
      OPENAI_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await srv.close();
    await fake.close();
  });

  /** A fresh user holding `credits`. */
  async function user(credits: number) {
    const u = await srv.signIn();
    if (credits > 0)
      await srv.services.ledger.grant({
        accountId: u.accountId,
        amount: credits,
        reason: 'test credits',
        idempotencyKey: `grant-${randomUUID()}`,
        actor: { type: 'system', id: 'test' },
        source: { type: 'system' },
      });
    const balance = async () =>
      (await srv.gqlData<{ me: { balance: number; reserved: number } }>('{ me { balance reserved } }', {}, u.token)).me;
    return { ...u, balance };
  }

  it('analyses typed figures in dollars, charges one credit, and replays the key without charging', async () => {
    const u = await user(3);
    const vars = { input: typedInput(), key: 'gql-typed-1' };
    const first = await srv.gqlData<AnalyzeData>(ANALYZE, vars, u.token);
    expect(first.analyzeProperty).toMatchObject({ status: 'SUCCEEDED', source: 'INPUT', creditsCharged: 1 });
    expect(first.analyzeProperty.result).toMatchObject({
      grossPotentialIncome: 124_200,
      effectiveGrossIncome: 117_990,
      operatingExpenses: 41_050.5,
      netOperatingIncome: 76_939.5,
      expenseRatioPercent: 34.79,
      noiPerUnit: 9_617.44,
      valuations: [{ capRatePercent: 6.5, value: 1_183_684.62 }],
    });
    const again = await srv.gqlData<AnalyzeData>(ANALYZE, vars, u.token);
    expect(again.analyzeProperty.id).toBe(first.analyzeProperty.id);
    expect(await u.balance()).toEqual({ balance: 2, reserved: 0 });
  });

  it('reads a pasted statement through the model and leaves mortgage interest out of NOI', async () => {
    const u = await user(1);
    fake.script(reply.answer(goodExtraction()));
    const calls = fake.requests.length;
    const data = await srv.gqlData<AnalyzeData>(
      ANALYZE,
      { input: { statementText: STATEMENT_TEXT, capRates: [6.5] }, key: 'gql-statement-1' },
      u.token,
    );
    expect(fake.requests.length - calls).toBe(1);
    expect(fake.requests.at(-1)?.body.model).toBe('gpt-test-model');
    const a = data.analyzeProperty;
    expect(a).toMatchObject({ status: 'SUCCEEDED', source: 'STATEMENT', creditsCharged: 1 });
    expect(a.statement.property.name).toBe('Maple Court Apartments');
    expect(a.statement.expenseLines).toContainEqual({ label: 'Mortgage interest', amount: 31_500 });
    expect(a.result).toMatchObject({
      netOperatingIncome: 76_939.5,
      excludedLines: [{ label: 'Mortgage interest', amount: 31_500, reason: 'DEBT_SERVICE' }],
      warnings: [{ code: 'NON_OPERATING_EXPENSE', label: 'Mortgage interest' }],
    });
    expect(await u.balance()).toEqual({ balance: 0, reserved: 0 });
  });

  it('answers SERVICE_UNAVAILABLE and charges nothing when the model fails', async () => {
    const u = await user(2);
    // The production client retries once: both attempts fail.
    fake.script(reply.status(500), reply.status(500));
    const r = await srv.gql(ANALYZE, { input: { statementText: STATEMENT_TEXT }, key: 'gql-500' }, u.token);
    expect(r.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(r.errors?.[0]?.message).toBe('the model service answered HTTP 500; nothing was charged');
    expect(await u.balance()).toEqual({ balance: 2, reserved: 0 });
  });

  it('refuses without credits before calling the model', async () => {
    const u = await user(0);
    const calls = fake.requests.length;
    const r = await srv.gql(ANALYZE, { input: { statementText: STATEMENT_TEXT }, key: 'gql-broke' }, u.token);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_CREDITS', available: 0, needed: 1 });
    expect(fake.requests.length).toBe(calls);
  });

  it('answers BAD_USER_INPUT naming the field and charges nothing', async () => {
    const u = await user(1);
    const r = await srv.gql(ANALYZE, { input: { ...typedInput(), capRates: [0] }, key: 'gql-bad' }, u.token);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'capRates.0' });
    expect(r.errors?.[0]?.message).toBe('capRates.0: must be greater than 0');
    expect(await u.balance()).toEqual({ balance: 1, reserved: 0 });
  });

  it("returns only the caller's own analyses", async () => {
    const owner = await user(2);
    const stranger = await user(0);
    const { analyzeProperty: a } = await srv.gqlData<AnalyzeData>(
      ANALYZE,
      { input: typedInput(), key: 'gql-own' },
      owner.token,
    );
    const mine = await srv.gqlData<{ analysis: { id: string; result: { netOperatingIncome: number } } }>(
      'query($id: ID!) { analysis(id: $id) { id result { netOperatingIncome } } }',
      { id: a.id },
      owner.token,
    );
    expect(mine.analysis).toEqual({ id: a.id, result: { netOperatingIncome: 76_939.5 } });
    const theirs = await srv.gql('query($id: ID!) { analysis(id: $id) { id } }', { id: a.id }, stranger.token);
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const list = '{ analyses(first: 10) { nodes { id } pageInfo { hasNextPage } } }';
    type List = { analyses: { nodes: Array<{ id: string }> } };
    expect((await srv.gqlData<List>(list, {}, owner.token)).analyses.nodes).toEqual([{ id: a.id }]);
    expect((await srv.gqlData<List>(list, {}, stranger.token)).analyses.nodes).toEqual([]);
  });

  it('requires authentication', async () => {
    const r = await srv.gql(ANALYZE, { input: typedInput(), key: 'anon' });
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('GraphQL analyses without OPENAI_API_KEY', () => {
  it('still analyses typed figures, and answers SERVICE_UNAVAILABLE for a statement without charging', async () => {
    const srv = await startTestServer({});
    try {
      const u = await srv.signIn();
      await srv.services.ledger.grant({
        accountId: u.accountId,
        amount: 2,
        reason: 'test credits',
        idempotencyKey: 'grant-no-openai',
        actor: { type: 'system', id: 'test' },
        source: { type: 'system' },
      });
      const r = await srv.gql(ANALYZE, { input: { statementText: STATEMENT_TEXT }, key: 'no-key' }, u.token);
      expect(r.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(r.errors?.[0]?.message).toContain('OPENAI_API_KEY');
      const ok = await srv.gqlData<AnalyzeData>(ANALYZE, { input: typedInput(), key: 'typed' }, u.token);
      expect(ok.analyzeProperty.status).toBe('SUCCEEDED');
      const me = await srv.gqlData<{ me: { balance: number } }>('{ me { balance } }', {}, u.token);
      expect(me.me.balance).toBe(1);
    } finally {
      await srv.close();
    }
  });
});
