import { describe, expect, it } from 'vitest';
import { AnalysisService } from '../../../src/domain/noi/analysis.service.js';
import { reply, type FakeReply } from '../../fakes/openai/openai.fake.js';
import { STATEMENT_TEXT, goodExtraction, harness, rejection, typedInput, type Harness } from './analysis-harness.js';

/** After a failed run: the credit is back, the reservation released, the analysis recorded as failed. */
async function expectReleased(h: Harness, error: string): Promise<void> {
  expect(await h.money()).toEqual({ balance: 5, reserved: 0, kinds: ['purchase', 'reservation', 'release'] });
  const reservations = await h.store.collection('reservations').find({ accountId: h.accountId });
  expect(reservations.map((r) => r.status)).toEqual(['released']);
  const [analysis] = (await h.analyses.listAnalyses(h.accountId, {})).items;
  expect(analysis).toMatchObject({ status: 'failed', creditsCharged: 0, result: null });
  expect(analysis?.error).toContain(error);
  expect((await h.ledger.verifyLedger()).ok).toBe(true);
}

const statement = (h: Harness, key = 'fails-1') =>
  h.analyses.analyzeProperty({
    accountId: h.accountId,
    input: { statementText: STATEMENT_TEXT },
    idempotencyKey: key,
    actor: h.actor,
  });

describe(AnalysisService.name, () => {
  describe('analyzeProperty', () => {
    it.each<[string, FakeReply, string, string]>([
      ['an HTTP 500', reply.status(500), 'UPSTREAM_FAILED', 'the model service answered HTTP 500'],
      [
        'malformed JSON',
        reply.content('{"property": {"name": "Maple Court"'),
        'UPSTREAM_FAILED',
        'the model answered malformed JSON',
      ],
      [
        'an answer that breaks the schema',
        reply.answer({ ...goodExtraction(), period: 'QUARTERLY' }),
        'UPSTREAM_FAILED',
        'the model answer did not match the expected structure (period:',
      ],
      [
        'an answer missing a required field',
        reply.answer({ property: { name: 'Maple Court', units: 8, rentableSquareFeet: null }, period: 'ANNUAL' }),
        'UPSTREAM_FAILED',
        'the model answer did not match the expected structure (incomeLines:',
      ],
      [
        'figures that fail validation (a negative amount)',
        reply.answer({
          ...goodExtraction(),
          expenseLines: [{ label: 'Insurance', category: 'INSURANCE', amount: -4_800, monthly: null }],
        }),
        'BAD_USER_INPUT',
        'the figures read from the statement are not usable (expenseLines.0.amount: must not be negative)',
      ],
      [
        'figures that fail validation (no income lines)',
        reply.answer({ ...goodExtraction(), incomeLines: [] }),
        'BAD_USER_INPUT',
        'incomeLines: at least one income line is required',
      ],
      [
        'figures that fail validation (three decimals)',
        reply.answer({
          ...goodExtraction(),
          incomeLines: [{ label: 'Rent', category: 'RENT', amount: 10_000.125, monthly: null }],
        }),
        'BAD_USER_INPUT',
        'incomeLines.0.amount: must be dollars with at most two decimals',
      ],
    ])('releases the reservation when the model gives %s', async (_name, answer, code, message) => {
      const h = await harness({ credits: 5 });
      h.fake.script(answer);
      const error = await rejection(statement(h));
      expect(error.code).toBe(code);
      expect(error.message).toContain(message);
      expect(error.message).toContain('nothing was charged');
      expect(h.fake.requests).toHaveLength(1);
      await expectReleased(h, message);
    });

    it('releases the reservation when the model does not answer before the timeout', async () => {
      const h = await harness({ credits: 5, timeoutMs: 300 });
      h.fake.script(reply.hang());
      const error = await rejection(statement(h));
      expect(error.code).toBe('UPSTREAM_FAILED');
      expect(error.message).toBe('the model did not answer within 300 ms; nothing was charged');
      expect(h.fake.requests).toHaveLength(1);
      await expectReleased(h, 'did not answer within 300 ms');
    });

    it('releases the reservation when the narrative fails', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(reply.status(503));
      const error = await rejection(
        h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { ...typedInput(), narrative: true },
          idempotencyKey: 'narrative-fails',
          actor: h.actor,
        }),
      );
      expect(error.code).toBe('UPSTREAM_FAILED');
      await expectReleased(h, 'HTTP 503');
    });

    it('releases the reservation when something unexpected throws mid-run', async () => {
      const h = await harness({ credits: 5 });
      h.fake.script(reply.answer(goodExtraction()));
      // The first write to `analyses` after the claim (storing the result) fails.
      h.store.faults.failWrite({ collection: 'analyses', op: 'update' });
      const outcome = await statement(h).then(
        () => null,
        (e: unknown) => e,
      );
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).name).toBe('InjectedFault');
      await expectReleased(h, 'internal error');
    });

    it('releases the reservation when the capture itself fails', async () => {
      const h = await harness({ credits: 5 });
      // ledgerEntries inserts: #1 the reservation, #2 the capture (fails), #3 the release.
      h.store.faults.failWrite({ collection: 'ledgerEntries', op: 'insert', nth: 2 });
      const outcome = await h.analyses
        .analyzeProperty({ accountId: h.accountId, input: typedInput(), idempotencyKey: 'cap', actor: h.actor })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect((outcome as Error).name).toBe('InjectedFault');
      await expectReleased(h, 'internal error');
    });

    // Both writes to `analyses` after the claim: before capture and success were one transaction,
    // the second one failing left the credits spent and the analysis pending.
    it.each([1, 2])('charges and marks succeeded together, or neither, when analyses update %i fails', async (nth) => {
      const h = await harness({ credits: 5 });
      h.store.faults.failWrite({ collection: 'analyses', op: 'update', nth });
      const request = { accountId: h.accountId, input: typedInput(), idempotencyKey: `both-${nth}`, actor: h.actor };
      const first = await h.analyses.analyzeProperty(request).catch((e: unknown) => e as Error);
      h.store.faults.clear();
      const [analysis] = (await h.analyses.listAnalyses(h.accountId, {})).items;
      const spent = (await h.money()).kinds.filter((k) => k === 'spend').length;
      expect({ status: analysis?.status, spent }).toSatisfy(
        (o: { status?: string; spent: number }) => (o.status === 'succeeded') === (o.spent === 1),
      );
      if (first instanceof Error) {
        expect(first.name).toBe('InjectedFault');
        await expectReleased(h, 'internal error');
      }

      const replay = await h.analyses.analyzeProperty(request);
      expect(replay).toMatchObject({ status: 'succeeded', creditsCharged: 1 });
      expect(replay.result?.netOperatingIncome).toBe(7_693_950);
      const money = await h.money();
      expect(money).toMatchObject({ balance: 4, reserved: 0 });
      expect(money.kinds.filter((k) => k === 'spend')).toHaveLength(1);
      expect((await h.ledger.verifyLedger()).ok).toBe(true);
    });

    it('rolls the capture back when marking the analysis succeeded fails', async () => {
      const h = await harness({ credits: 5 });
      // The only update of `analyses` in a run: the one that marks it succeeded, after the capture.
      h.store.faults.failWrite({ collection: 'analyses', op: 'update' });
      const request = { accountId: h.accountId, input: typedInput(), idempotencyKey: 'tx', actor: h.actor };
      await expect(h.analyses.analyzeProperty(request)).rejects.toThrow('injected store fault');
      await expectReleased(h, 'internal error');
    });

    it('finishes, on replay, a run left charged but pending by an earlier version', async () => {
      const h = await harness({ credits: 5 });
      const request = { accountId: h.accountId, input: typedInput(), idempotencyKey: 'legacy', actor: h.actor };
      const done = await h.analyses.analyzeProperty(request);
      // What the old order (store result, capture, then mark succeeded) left when it died in between.
      await h.store.collection('analyses').updateOne({ _id: done.id }, { $set: { status: 'pending' } });

      const replay = await h.analyses.analyzeProperty(request);
      expect(replay).toMatchObject({ id: done.id, status: 'succeeded', creditsCharged: 1 });
      expect(await h.money()).toEqual({ balance: 4, reserved: 0, kinds: ['purchase', 'reservation', 'spend'] });
    });
  });
});
