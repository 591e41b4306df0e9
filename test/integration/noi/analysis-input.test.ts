import { describe, expect, it } from 'vitest';
import { AnalysisService } from '../../../src/domain/noi/analysis.service.js';
import type { AnalyzePropertyInput } from '../../../src/domain/noi/analysis.request.js';
import { reply } from '../../fakes/openai/openai.fake.js';
import { STATEMENT_TEXT, goodExtraction, harness, rejection, typedInput } from './analysis-harness.js';

const line = (i: number) => ({ label: `Expense ${i}`, amount: 1 });

describe(AnalysisService.name, () => {
  describe('analyzeProperty', () => {
    it.each<[string, AnalyzePropertyInput, string]>([
      ['no income lines', { ...typedInput(), incomeLines: [] }, 'incomeLines: at least one income line is required'],
      [
        'a negative income amount',
        { ...typedInput(), incomeLines: [{ label: 'Rent', category: 'RENT', amount: -100 }] },
        'incomeLines.0.amount: must not be negative',
      ],
      [
        'a negative expense amount',
        { ...typedInput(), expenseLines: [{ label: 'Taxes', amount: -1 }] },
        'expenseLines.0.amount: must not be negative',
      ],
      [
        'a negative vacancy',
        { ...typedInput(), vacancyAndCreditLoss: { amount: -5 } },
        'vacancyAndCreditLoss.amount: must not be negative',
      ],
      ['a cap rate of 0', { ...typedInput(), capRates: [0] }, 'capRates.0: must be greater than 0'],
      ['a cap rate above 100', { ...typedInput(), capRates: [6, 120] }, 'capRates.1: must be at most 100 (percent)'],
      [
        '10,000 lines',
        { ...typedInput(), expenseLines: Array.from({ length: 10_000 }, (_, i) => line(i)) },
        'expenseLines: too many lines: at most 500',
      ],
      [
        'a statement over 20,000 characters',
        { statementText: 'x'.repeat(20_001) },
        'statementText: must be at most 20,000 characters',
      ],
      ['an empty statement', { statementText: '   ' }, 'statementText: must not be empty'],
      [
        'a statement together with lines',
        { statementText: STATEMENT_TEXT, incomeLines: typedInput().incomeLines },
        'incomeLines: leave it out when statementText is given',
      ],
      [
        'a statement with a cap rate of 0',
        { statementText: STATEMENT_TEXT, capRates: [0] },
        'capRates.0: must be greater than 0',
      ],
    ])('refuses %s with a clear error and charges nothing', async (_name, input, message) => {
      const h = await harness({ credits: 5 });
      h.fake.script(reply.answer(goodExtraction()));
      const error = await rejection(
        h.analyses.analyzeProperty({ accountId: h.accountId, input, idempotencyKey: 'bad', actor: h.actor }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain(message);
      expect(await h.money()).toEqual({ balance: 5, reserved: 0, kinds: ['purchase'] });
      expect(h.fake.requests).toHaveLength(0);
      expect(await h.store.collection('analyses').count()).toBe(0);
    });

    it('refuses a malformed idempotency key before anything else', async () => {
      const h = await harness({ credits: 5 });
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: typedInput(),
          idempotencyKey: 'has spaces',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.message).toContain('idempotencyKey');
      expect(await h.money()).toEqual({ balance: 5, reserved: 0, kinds: ['purchase'] });
    });

    it('answers a configuration error for a statement when no model is configured, without charging', async () => {
      const h = await harness({ credits: 5, openai: false });
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { statementText: STATEMENT_TEXT },
          idempotencyKey: 'no-key',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('CONFIGURATION');
      expect(error.message).toContain('OPENAI_API_KEY');
      expect(await h.money()).toEqual({ balance: 5, reserved: 0, kinds: ['purchase'] });
      expect(await h.store.collection('analyses').count()).toBe(0);
    });

    it('still analyses typed input when no model is configured', async () => {
      const h = await harness({ credits: 5, openai: false });
      const a = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: typedInput(),
        idempotencyKey: 'typed-no-key',
        actor: h.actor,
      });
      expect(a.status).toBe('succeeded');
      expect((await h.money()).balance).toBe(4);
    });

    it('refuses a narrative when no model is configured, without charging', async () => {
      const h = await harness({ credits: 5, openai: false });
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { ...typedInput(), narrative: true },
          idempotencyKey: 'no-narrative',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('CONFIGURATION');
      expect(await h.money()).toEqual({ balance: 5, reserved: 0, kinds: ['purchase'] });
    });

    it('refuses a frozen account before any model call', async () => {
      const h = await harness({ credits: 5 });
      await h.accounts.freeze({ accountId: h.accountId, reason: 'chargeback', actor: { type: 'support', id: 's1' } });
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { statementText: STATEMENT_TEXT },
          idempotencyKey: 'frozen',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('ACCOUNT_FROZEN');
      expect(h.fake.requests).toHaveLength(0);
      expect(await h.money()).toEqual({ balance: 5, reserved: 0, kinds: ['purchase'] });
    });
  });
});
