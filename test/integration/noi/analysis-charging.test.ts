import { describe, expect, it } from 'vitest';
import { AnalysisService } from '../../../src/domain/noi/analysis.service.js';
import { reply } from '../../fakes/openai/openai.fake.js';
import { STATEMENT_TEXT, goodExtraction, harness, rejection, typedInput } from './analysis-harness.js';

describe(AnalysisService.name, () => {
  describe('analyzeProperty', () => {
    it('analyses typed input without calling the model and charges one credit', async () => {
      const h = await harness({ credits: 5 });
      const a = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: typedInput(),
        idempotencyKey: 'typed-1',
        actor: h.actor,
      });
      expect(a).toMatchObject({
        status: 'succeeded',
        source: 'INPUT',
        creditsCharged: 1,
        error: null,
        narrative: null,
      });
      // 124,200 GPI − 5 % (6,210) = 117,990 EGI; − 41,050.50 opex = 76,939.50 NOI
      expect(a.result?.netOperatingIncome).toBe(7_693_950);
      expect(await h.money()).toEqual({ balance: 4, reserved: 0, kinds: ['purchase', 'reservation', 'spend'] });
      expect(h.fake.requests).toHaveLength(0);
      expect((await h.ledger.verifyLedger()).ok).toBe(true);
    });

    it('reads a pasted statement through the model, validates it, and charges once', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(reply.answer(goodExtraction()));
      const a = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: { statementText: STATEMENT_TEXT, capRates: [6.5] },
        idempotencyKey: 'statement-1',
        actor: h.actor,
      });
      // The model read the lines; our calculator computed every figure (mortgage interest excluded).
      expect(a.status).toBe('succeeded');
      expect(a.source).toBe('STATEMENT');
      expect(a.input?.property).toEqual({ name: 'Maple Court Apartments', units: 8, rentableSquareFeet: null });
      expect(a.result).toMatchObject({
        grossPotentialIncome: 12_420_000,
        vacancyAndCreditLoss: 621_000,
        effectiveGrossIncome: 11_799_000,
        operatingExpenses: 4_105_050,
        netOperatingIncome: 7_693_950,
        valuations: [{ capRatePercent: 6.5, value: 118_368_462 }],
        excludedLines: [{ label: 'Mortgage interest', amount: 3_150_000, reason: 'DEBT_SERVICE' }],
      });
      expect(await h.money()).toEqual({ balance: 4, reserved: 0, kinds: ['purchase', 'reservation', 'spend'] });

      expect(h.fake.requests).toHaveLength(1);
      const sent = h.fake.requests[0]!;
      expect(sent.path).toBe('/v1/chat/completions');
      expect(sent.authorization).toBe('Bearer sk-test-fake');
      expect(sent.body.model).toBe('gpt-test-model');
      expect(sent.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
      expect(JSON.stringify(sent.body.messages)).toContain('Mortgage interest');
    });

    it('writes a narrative of the computed figures when asked', async () => {
      const h = await harness({ credits: 2 });
      h.fake.script(reply.answer({ narrative: '  Maple Court earns $76,939.50 a year after operating costs.  ' }));
      const a = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: { ...typedInput(), narrative: true },
        idempotencyKey: 'narrative-1',
        actor: h.actor,
      });
      expect(a.narrative).toBe('Maple Court earns $76,939.50 a year after operating costs.');
      // The model is told our figures, in dollars; it computes none of them.
      const messages = h.fake.requests[0]?.body.messages as Array<{ role: string; content: string }>;
      const facts = JSON.parse(messages.find((m) => m.role === 'user')!.content) as { figures: object };
      expect(facts.figures).toMatchObject({ netOperatingIncome: 76_939.5, effectiveGrossIncome: 117_990 });
      expect((await h.money()).balance).toBe(1);
    });

    it('replays the first analysis for a repeated idempotency key without charging again', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(reply.answer(goodExtraction()));
      const request = {
        accountId: h.accountId,
        input: { statementText: STATEMENT_TEXT },
        idempotencyKey: 'replay-1',
        actor: h.actor,
      };
      const first = await h.analyses.analyzeProperty(request);
      const again = await h.analyses.analyzeProperty(request);
      expect(again).toEqual(first);
      expect(h.fake.requests).toHaveLength(1);
      expect(await h.money()).toEqual({ balance: 4, reserved: 0, kinds: ['purchase', 'reservation', 'spend'] });
    });

    it('refuses the same key with a different input and charges nothing more', async () => {
      const h = await harness({ credits: 5 });
      await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: typedInput(),
        idempotencyKey: 'k',
        actor: h.actor,
      });
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { ...typedInput(), capRates: [7] },
          idempotencyKey: 'k',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await h.money()).balance).toBe(4);
    });

    it('lets a failed key run again, charging only the attempt that succeeds', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(reply.status(500), reply.answer(goodExtraction()));
      const request = {
        accountId: h.accountId,
        input: { statementText: STATEMENT_TEXT },
        idempotencyKey: 'retry-1',
        actor: h.actor,
      };
      expect((await rejection(h.analyses.analyzeProperty(request))).code).toBe('UPSTREAM_FAILED');
      const second = await h.analyses.analyzeProperty(request);
      expect(second).toMatchObject({ status: 'succeeded', creditsCharged: 1 });
      expect(await h.money()).toEqual({
        balance: 4,
        reserved: 0,
        kinds: ['purchase', 'reservation', 'release', 'reservation', 'spend'],
      });
      expect(await h.store.collection('analyses').count({ accountId: h.accountId })).toBe(1);
    });

    it('charges once when the SDK retries a 500 by itself', async () => {
      const h = await harness({ credits: 5, maxRetries: 1 });
      h.fake.script(reply.status(500), reply.answer(goodExtraction()));
      const a = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: { statementText: STATEMENT_TEXT },
        idempotencyKey: 'sdk-retry',
        actor: h.actor,
      });
      expect(a.status).toBe('succeeded');
      expect(h.fake.requests).toHaveLength(2);
      expect((await h.money()).balance).toBe(4);
    });

    it('fails with INSUFFICIENT_CREDITS before any call reaches the model', async () => {
      const h = await harness({ credits: 0 });
      h.fake.script(reply.answer(goodExtraction()));
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { statementText: STATEMENT_TEXT },
          idempotencyKey: 'broke',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('INSUFFICIENT_CREDITS');
      expect(h.fake.requests).toHaveLength(0);
      expect(await h.money()).toEqual({ balance: 0, reserved: 0, kinds: [] });
    });

    it('runs 10 concurrent requests with one idempotency key once, charging one credit', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(...Array.from({ length: 10 }, () => reply.answer(goodExtraction())));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, () =>
          h.analyses.analyzeProperty({
            accountId: h.accountId,
            input: { statementText: STATEMENT_TEXT },
            idempotencyKey: 'same-key',
            actor: h.actor,
          }),
        ),
      );
      const ids = new Set(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : [])));
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as { code?: string }).code] : []));
      expect(ids.size).toBe(1);
      // The others arrived while it ran: told to retry, and a retry replays the one analysis.
      expect(refused.every((c) => c === 'CONFLICT')).toBe(true);
      expect(h.fake.requests).toHaveLength(1);
      expect(await h.money()).toEqual({ balance: 4, reserved: 0, kinds: ['purchase', 'reservation', 'spend'] });
      const replay = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: { statementText: STATEMENT_TEXT },
        idempotencyKey: 'same-key',
        actor: h.actor,
      });
      expect(ids.has(replay.id)).toBe(true);
    });

    it('charges exactly 5 of 20 concurrent analyses from an account holding 5 credits', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(...Array.from({ length: 20 }, () => reply.answer(goodExtraction())));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          h.analyses.analyzeProperty({
            accountId: h.accountId,
            input: { statementText: STATEMENT_TEXT },
            idempotencyKey: `concurrent-${i}`,
            actor: h.actor,
          }),
        ),
      );
      const succeeded = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as { code?: string }] : []));
      expect(succeeded).toHaveLength(5);
      expect(refused.map((e) => e.code)).toEqual(Array(15).fill('INSUFFICIENT_CREDITS'));
      expect(h.fake.requests).toHaveLength(5);

      const money = await h.money();
      expect(money.balance).toBe(0);
      expect(money.reserved).toBe(0);
      expect(money.kinds.filter((k) => k === 'spend')).toHaveLength(5);
      expect(await h.store.collection('reservations').count({ accountId: h.accountId, status: 'held' })).toBe(0);
      expect(await h.store.collection('reservations').count({ accountId: h.accountId, status: 'captured' })).toBe(5);
      expect(await h.ledger.verifyLedger()).toMatchObject({ ok: true, drift: [] });
    });
  });
});
