import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ProcessedEventRepository } from '../../src/domain/payments/processed-event.repository.js';
import { storeAdapters, type TestStore } from './adapters.js';

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

for (const adapter of storeAdapters('webhook failures contract suite')) {
  describe.skipIf(adapter.skip)(`${ProcessedEventRepository.name} on ${adapter.name}`, () => {
    let store: TestStore;
    let repo: ProcessedEventRepository;
    beforeEach(async () => {
      store = await adapter.create();
      repo = new ProcessedEventRepository({ store });
    });
    afterAll(() => adapter.shutdown());

    const fail = (eventId: string, second: number, subject: { checkoutSessionId?: string; accountId?: string }) =>
      repo.recordFailure({ eventId, type: 'checkout.session.completed', error: 'boom', at: at(second), subject });

    describe('recordFailure', () => {
      it('keeps what the event is about, counts attempts, and stores no field it does not know', async () => {
        await fail('evt_a', 1, { checkoutSessionId: 'cs_a', accountId: 'acct-1' });
        const again = await fail('evt_a', 2, {});
        expect(again).toMatchObject({
          eventId: 'evt_a',
          checkoutSessionId: 'cs_a',
          accountId: 'acct-1',
          attempts: 2,
          firstSeenAt: at(1),
          lastSeenAt: at(2),
        });
        const bare = await fail('evt_b', 3, {});
        expect(bare).not.toHaveProperty('checkoutSessionId');
        expect(bare).not.toHaveProperty('accountId');
      });
    });

    describe('openFailuresOf', () => {
      it('finds the open failures about an account or one of its sessions, most recent first', async () => {
        await fail('evt_by_account', 1, { accountId: 'acct-1' });
        await fail('evt_by_session', 2, { checkoutSessionId: 'cs_1' });
        await fail('evt_both', 3, { checkoutSessionId: 'cs_2', accountId: 'acct-1' });
        await fail('evt_other', 4, { checkoutSessionId: 'cs_9', accountId: 'acct-2' });
        await fail('evt_bare', 5, {});
        await fail('evt_resolved', 6, { accountId: 'acct-1' });
        await store
          .collection('webhookFailures')
          .updateOne({ eventId: 'evt_resolved' }, { $set: { resolvedAt: at(7) } });

        const found = await repo.openFailuresOf('acct-1', ['cs_1', 'cs_2'], 10);
        expect(found.map((f) => f.eventId)).toEqual(['evt_both', 'evt_by_session', 'evt_by_account']);
        expect((await repo.openFailuresOf('acct-1', [], 2)).map((f) => f.eventId)).toEqual([
          'evt_both',
          'evt_by_account',
        ]);
      });
    });

    describe('failures', () => {
      it('pages by last sighting, ties broken by id, each failure exactly once', async () => {
        for (let i = 0; i < 5; i += 1) await fail(`evt_${i}`, i % 2, {});
        await fail('evt_resolved', 9, {});
        await store
          .collection('webhookFailures')
          .updateOne({ eventId: 'evt_resolved' }, { $set: { resolvedAt: at(10) } });

        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await repo.failures({}, { first: 2, after });
          seen.push(...page.items.map((f) => f.eventId));
          if (!page.hasNextPage) break;
          after = page.endCursor;
        }
        expect(seen).toHaveLength(5);
        expect(new Set(seen).size).toBe(5);
        expect(seen.slice(0, 2).sort()).toEqual(['evt_1', 'evt_3']);
        const all = await repo.failures({ includeResolved: true }, { first: 10 });
        expect(all.items[0]?.eventId).toBe('evt_resolved');
        expect(all.items).toHaveLength(6);
      });
    });
  });
}
