/** Valid documents for the contract suites: every field a real one has, overridable per case. */
import type { AccountDoc, LedgerEntryDoc } from '../../src/domain/ports/documents.js';
import type { TestStore } from './adapters.js';

export const T0 = new Date('2026-01-01T00:00:00.000Z');

export function account(store: TestStore, over: Partial<AccountDoc> = {}): AccountDoc {
  const id = store.newId();
  return {
    _id: id,
    email: `${id}@example.com`,
    balance: 0,
    reserved: 0,
    status: 'active',
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export function entry(store: TestStore, over: Partial<LedgerEntryDoc> = {}): LedgerEntryDoc {
  const id = store.newId();
  return {
    _id: id,
    accountId: 'acc',
    amount: 1,
    balanceAfter: 1,
    reservedAfter: 0,
    kind: 'purchase',
    source: { type: 'system' },
    actor: { type: 'system', id: 'test' },
    reason: 'test',
    idempotencyKey: id,
    fingerprint: '[]',
    createdAt: T0,
    ...over,
  };
}
