import { describe, expect, it } from 'vitest';
import { AnalysisService } from '../../../src/domain/noi/analysis.service.js';
import { harness } from './analysis-harness.js';

describe(AnalysisService.name, () => {
  describe('releaseAbandoned', () => {
    it('gives back credits held by an analysis whose process died, and marks it failed', async () => {
      const h = await harness({ credits: 3 });
      // What a run leaves behind when it dies between reserve and capture: a pending analysis
      // and a held reservation pointing at it.
      const now = new Date();
      await h.store.collection('analyses').insertOne({
        _id: 'an-dead',
        accountId: h.accountId,
        idempotencyKey: 'k-dead',
        fingerprint: '[]',
        input: {},
        status: 'pending',
        creditsCharged: 0,
        createdAt: now,
        updatedAt: now,
      });
      await h.ledger.reserve({
        accountId: h.accountId,
        amount: 1,
        reason: 'NOI analysis',
        idempotencyKey: 'analysis:an-dead:x',
        actor: h.actor,
        source: { type: 'analysis', ref: 'an-dead' },
      });
      const other = await h.ledger.reserve({
        accountId: h.accountId,
        amount: 1,
        reason: 'something else',
        idempotencyKey: 'not-an-analysis',
        actor: h.actor,
        source: { type: 'system' },
      });
      expect((await h.money()).reserved).toBe(2);

      // Nothing is old enough yet.
      expect(await h.analyses.releaseAbandoned(new Date(now.getTime() - 60_000))).toEqual({
        released: 0,
        analysisIds: [],
      });

      const swept = await h.analyses.releaseAbandoned(new Date(now.getTime() + 60_000));
      expect(swept).toEqual({ released: 1, analysisIds: ['an-dead'] });
      expect(await h.money()).toEqual({
        balance: 3,
        reserved: 1,
        kinds: ['purchase', 'reservation', 'reservation', 'release'],
      });
      expect(await h.store.collection('analyses').findOne({ _id: 'an-dead' })).toMatchObject({
        status: 'failed',
        error: 'the analysis did not finish; nothing was charged',
      });
      expect((await h.ledger.getReservation(other.id)).status).toBe('held');
      // Running it again finds nothing more to do.
      expect(await h.analyses.releaseAbandoned(new Date(now.getTime() + 60_000))).toEqual({
        released: 0,
        analysisIds: [],
      });
    });
  });
});
