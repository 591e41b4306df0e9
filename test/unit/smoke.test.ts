import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/memory.store.js';
import { LedgerService } from '../../src/domain/ledger/ledger.service.js';
import { AccountService } from '../../src/domain/accounts/account.service.js';
import { systemClock } from '../../src/domain/ports/runtime.port.js';

describe('smoke', () => {
  it('grants and spends', async () => {
    const store = new MemoryStore();
    const accounts = new AccountService({ store, clock: systemClock });
    const ledger = new LedgerService({ store, clock: systemClock });
    const a = await accounts.findOrCreateBySubject({ subject: 's1', email: 'A@Example.com' });
    const actor = { type: 'system' as const, id: 'test' };
    await ledger.grant({
      accountId: a.id,
      amount: 5,
      reason: 'r',
      idempotencyKey: 'k1',
      actor,
      source: { type: 'system' },
    });
    const e = await ledger.spend({ accountId: a.id, amount: 2, reason: 'r', idempotencyKey: 'k2', actor });
    expect(e.balanceAfter).toBe(3);
    expect((await ledger.verifyLedger()).ok).toBe(true);
  });
});
