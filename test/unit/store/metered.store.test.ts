import { describe, expect, it } from 'vitest';
import { observeLedgerMovements } from '../../../src/store/metered.store.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ledgerFixture, systemActor } from '../../helpers/ledger-fixture.js';

describe(observeLedgerMovements.name, () => {
  it('reports the kinds of committed ledger entries, once, and nothing of a failed spend', async () => {
    const seen: string[] = [];
    const inner = new MemoryStore();
    const store = observeLedgerMovements(inner, (kinds) => seen.push(...kinds));
    const { ledger, newAccount } = ledgerFixture(store);
    const account = await newAccount(5);
    const spend = {
      accountId: account.id,
      amount: 3,
      reason: 'x',
      actor: systemActor,
      source: { type: 'system' as const },
    };
    await ledger.spend({ ...spend, idempotencyKey: 's1' });
    await ledger.spend({ ...spend, idempotencyKey: 's1' }); // a replay writes nothing
    await expect(ledger.spend({ ...spend, idempotencyKey: 's2' })).rejects.toThrow(); // 2 left: insufficient
    // The funding grant, then one spend: the replay and the refused spend report nothing.
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBe('spend');
    expect(await store.collection('ledgerEntries').count({ accountId: account.id })).toBe(2);
  });

  it('reports nothing when the transaction aborts after writing an entry', async () => {
    const seen: string[] = [];
    const store = observeLedgerMovements(new MemoryStore(), (kinds) => seen.push(...kinds));
    const { newAccount } = ledgerFixture(store);
    const account = await newAccount(0);
    await expect(
      store.transaction(async (tx) => {
        await tx.collection('ledgerEntries').insertOne({
          _id: store.newId(),
          accountId: account.id,
          amount: 1,
          balanceAfter: 1,
          kind: 'bonus',
          source: { type: 'system' },
          actor: systemActor,
          reason: 'x',
          idempotencyKey: 'k',
          createdAt: new Date(),
        } as never);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(seen).toEqual([]);
    expect(store.kind).toBe('memory');
  });
});
