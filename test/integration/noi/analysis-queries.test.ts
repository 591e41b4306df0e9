import { describe, expect, it } from 'vitest';
import { AnalysisService } from '../../../src/domain/noi/analysis.service.js';
import { harness, rejection, typedInput } from './analysis-harness.js';

describe(AnalysisService.name, () => {
  describe('getAnalysis', () => {
    it("returns the caller's own analysis and NOT_FOUND for anyone else's", async () => {
      const h = await harness({ credits: 5 });
      const other = await h.newAccount(5);
      const mine = await h.analyses.analyzeProperty({
        accountId: h.accountId,
        input: typedInput(),
        idempotencyKey: 'mine',
        actor: h.actor,
      });
      expect(await h.analyses.getAnalysis(h.accountId, mine.id)).toEqual(mine);
      expect((await rejection(h.analyses.getAnalysis(other, mine.id))).code).toBe('NOT_FOUND');
      expect((await rejection(h.analyses.getAnalysis(h.accountId, 'no-such-id'))).code).toBe('NOT_FOUND');
    });
  });

  describe('listAnalyses', () => {
    it("pages through the caller's own analyses, newest first, and nobody else's", async () => {
      const h = await harness({ credits: 10 });
      const other = await h.newAccount(5);
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const a = await h.analyses.analyzeProperty({
          accountId: h.accountId,
          input: { ...typedInput(), property: { name: `Property ${i}` } },
          idempotencyKey: `list-${i}`,
          actor: h.actor,
        });
        ids.push(a.id);
      }
      await h.analyses.analyzeProperty({ accountId: other, input: typedInput(), idempotencyKey: 'x', actor: h.actor });

      const first = await h.analyses.listAnalyses(h.accountId, { first: 2 });
      expect(first.hasNextPage).toBe(true);
      const rest = await h.analyses.listAnalyses(h.accountId, { first: 10, after: first.endCursor });
      expect(rest.hasNextPage).toBe(false);
      expect([...first.items, ...rest.items].map((a) => a.id)).toEqual([...ids].reverse());
      expect([...first.items, ...rest.items].every((a) => a.accountId === h.accountId)).toBe(true);
      expect((await h.analyses.listAnalyses(other, {})).items).toHaveLength(1);
    });
  });
});
