import { AccountService } from '../../src/domain/accounts/account.service.js';
import { LedgerService } from '../../src/domain/ledger/ledger.service.js';
import type { Actor } from '../../src/domain/ports/documents.js';
import { systemClock } from '../../src/domain/ports/runtime.port.js';
import type { Store } from '../../src/domain/ports/store.port.js';

export const systemActor: Actor = { type: 'system', id: 'test' };
export const supportActor: Actor = { type: 'support', id: 'agent-7', name: 'Agent Seven' };

let counter = 0;
/** Real services on the given store, and a helper that makes a funded account per test. */
export function ledgerFixture(store: Store) {
  const accounts = new AccountService({ store, clock: systemClock });
  const ledger = new LedgerService({ store, clock: systemClock });
  const newAccount = async (credits = 0) => {
    counter += 1;
    const account = await accounts.findOrCreateBySubject({
      subject: `sub-${counter}-${store.newId()}`,
      email: `user${counter}-${store.newId()}@example.com`,
    });
    if (credits > 0)
      await ledger.grant({
        accountId: account.id,
        amount: credits,
        reason: 'test funds',
        idempotencyKey: `fund-${account.id}`,
        actor: systemActor,
        source: { type: 'system' },
      });
    return account;
  };
  const snapshot = async (accountId: string) => ({
    account: await store.collection('accounts').findOne({ _id: accountId }),
    entries: await store.collection('ledgerEntries').find({ accountId }, { sort: { createdAt: 1, _id: 1 } }),
    audit: await store.collection('auditLog').find({ 'target.id': accountId }),
    reservations: await store.collection('reservations').find({ accountId }),
  });
  return { accounts, ledger, newAccount, snapshot };
}
