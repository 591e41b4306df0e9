/**
 * Data for backup tests and the backup benchmark: a consistent ledger (every balance is the sum of
 * its entries) written straight through the Store port, and documents that carry every BSON type a
 * backup must keep.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Decimal128, Long, ObjectId } from 'bson';
import type { AccountDoc, AuditLogDoc, LedgerEntryDoc, ProcessedEventDoc } from '../../src/domain/ports/documents.js';
import type { Store } from '../../src/domain/ports/store.port.js';

export interface SeedOptions {
  accounts: number;
  entriesPerAccount: number;
  /** Prefix of every id, so two seeds never collide. */
  prefix?: string;
  batchSize?: number;
  onProgress?: (entries: number) => void;
}

const T0 = Date.UTC(2024, 0, 1);

export function ledgerEntry(accountId: string, i: number, amount: number, balanceAfter: number): LedgerEntryDoc {
  return {
    _id: `${accountId}-e${i}`,
    accountId,
    amount,
    balanceAfter,
    reservedAfter: 0,
    kind: amount > 0 ? 'purchase' : 'spend',
    source: amount > 0 ? { type: 'stripe', ref: `cs_test_${accountId}_${i}` } : { type: 'analysis' },
    actor: { type: 'system', id: 'seed', name: 'Seed' },
    reason: amount > 0 ? 'credit pack' : 'property analysis',
    idempotencyKey: `seed-${i}`,
    fingerprint: `seed:${accountId}:${i}:${amount}`,
    createdAt: new Date(T0 + i * 1000),
  };
}

/** Inserts accounts whose balances equal the sum of their entries (grant 5, then spend 1 / grant 2…). */
export async function seedLedger(store: Store, options: SeedOptions): Promise<{ accounts: number; entries: number }> {
  const prefix = options.prefix ?? 'acct';
  const batchSize = options.batchSize ?? 5000;
  let entries: LedgerEntryDoc[] = [];
  let written = 0;
  const accounts: AccountDoc[] = [];
  for (let a = 0; a < options.accounts; a += 1) {
    const accountId = `${prefix}${String(a).padStart(7, '0')}`;
    let balance = 0;
    for (let i = 0; i < options.entriesPerAccount; i += 1) {
      const amount = i === 0 ? 5 : i % 2 === 1 ? -1 : 2;
      balance += amount;
      entries.push(ledgerEntry(accountId, i, amount, balance));
      if (entries.length >= batchSize) {
        await store.collection('ledgerEntries').insertMany(entries);
        written += entries.length;
        options.onProgress?.(written);
        entries = [];
      }
    }
    accounts.push({
      _id: accountId,
      email: `${accountId}@example.com`,
      balance,
      reserved: 0,
      status: 'active',
      createdAt: new Date(T0),
      updatedAt: new Date(T0 + options.entriesPerAccount * 1000),
    });
    if (accounts.length >= batchSize) await store.collection('accounts').insertMany(accounts.splice(0));
  }
  if (entries.length > 0) await store.collection('ledgerEntries').insertMany(entries);
  if (accounts.length > 0) await store.collection('accounts').insertMany(accounts);
  return { accounts: options.accounts, entries: options.accounts * options.entriesPerAccount };
}

export function processedEvent(eventId: string): ProcessedEventDoc {
  return {
    _id: `pe_${eventId}`,
    source: 'stripe',
    eventId,
    type: 'checkout.session.completed',
    receivedAt: new Date(T0),
    outcome: 'granted',
  };
}

const TEXTS = ['héllo wörld ✓', '中文字符', 'emoji 🚀🧾', '', 'line\nbreak "quoted" \\ back', 'zero\u0000byte'];

/** An audit document whose `details` holds every type a backup must bring back unchanged. */
export function mixedDoc(i: number): AuditLogDoc {
  const details = {
    oid: new ObjectId(i.toString(16).padStart(24, '0')),
    when: new Date(T0 + i * 1000),
    dec: Decimal128.fromString(`${i}.${String(i % 100).padStart(2, '0')}`),
    long: Long.fromBigInt(9007199254740993n + BigInt(i)),
    int: i,
    negative: -i,
    fraction: i / 7,
    bigDouble: 2 ** 40 + i,
    negZero: -0,
    nested: [[i, [String(i), { deep: [new Date(T0 - i)] }]], [], [[]]],
    text: `${TEXTS[i % TEXTS.length]}${i % 3 === 0 ? '' : i}`,
    empty: '',
    emptyObject: {},
    nothing: null,
    flag: i % 2 === 0,
  };
  return {
    _id: `mixed-${String(i).padStart(6, '0')}`,
    actor: { type: 'system', id: 'round-trip' },
    action: 'mixed',
    target: { type: 'test', id: String(i % 97) },
    details,
    createdAt: new Date(T0 + i),
  };
}

export async function tempDir(prefix = 'noi-backups-'): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
