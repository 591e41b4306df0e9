/**
 * The backup capability of the Store port (BackupSource), against every adapter: consistent
 * snapshots read in batches, BSON types kept, and restores that swap staged collections in only on
 * commit. Ends with the full BackupService round trip of 10,000 mixed documents.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeDocument } from '../../src/backups/ejson.codec.js';
import { FsBackupRepository } from '../../src/backups/fs-backup.repository.js';
import { BackupService } from '../../src/domain/backups/backup.service.js';
import { DuplicateKeyError } from '../../src/domain/errors.js';
import type { BackupSource, RawDocument, SnapshotReader } from '../../src/domain/ports/backup-source.port.js';
import type { LedgerEntryDoc } from '../../src/domain/ports/documents.js';
import { COLLECTION_NAMES, INDEXES } from '../../src/domain/ports/indexes.js';
import type { IndexSpec } from '../../src/domain/ports/store.port.js';
import { ledgerEntry, mixedDoc, seedLedger, tempDir } from '../helpers/backup-fixtures.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { storeAdapters, type TestStore } from './adapters.js';

type BackupStore = TestStore & BackupSource;

const account = (id: string, balance = 0) => ({
  _id: id,
  email: `${id}@example.com`,
  balance,
  reserved: 0,
  status: 'active' as const,
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
});

async function readAll(reader: SnapshotReader, collection: string, batchSize = 1000): Promise<RawDocument[]> {
  const out: RawDocument[] = [];
  for await (const batch of reader.documents(collection, batchSize)) out.push(...batch);
  return out.sort((a, b) => String(a._id).localeCompare(String(b._id)));
}

const normalized = (specs: readonly IndexSpec[]) =>
  specs
    .map((s) => ({
      name: s.name,
      keys: s.keys,
      unique: s.unique ?? false,
      sparse: s.sparse ?? false,
      partialFilterExpression: s.partialFilterExpression ?? null,
      expireAfterSeconds: s.expireAfterSeconds ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));

for (const adapter of storeAdapters('backup port contract suite')) {
  describe.skipIf(adapter.skip)(`BackupSource (${adapter.name})`, () => {
    let store: BackupStore;

    beforeEach(async () => {
      store = (await adapter.create()) as BackupStore;
    });
    afterAll(() => adapter.shutdown());

    describe('readSnapshot', () => {
      it('reads every document of a collection in batches no larger than asked', async () => {
        await store.collection('accounts').insertMany(Array.from({ length: 25 }, (_, i) => account(`a${i}`)));
        const sizes: number[] = [];
        await store.readSnapshot(async (reader) => {
          for await (const batch of reader.documents('accounts', 10)) sizes.push(batch.length);
          expect(await reader.count('accounts')).toBe(25);
        });
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
      });

      it('lists every declared collection with its declared indexes', async () => {
        await store.readSnapshot(async (reader) => {
          const names = await reader.collections();
          for (const name of COLLECTION_NAMES) expect(names).toContain(name);
          for (const name of COLLECTION_NAMES)
            expect(normalized(await reader.indexes(name))).toEqual(normalized(INDEXES[name]));
          expect(['memory', 'mongo']).toContain(reader.engine);
        });
      });

      it('keeps BSON types: ObjectId, Date, Decimal128, Long, nested arrays, unicode, empty strings', async () => {
        const docs = Array.from({ length: 50 }, (_, i) => mixedDoc(i));
        await store.collection('auditLog').insertMany(docs);
        const read = await store.readSnapshot((reader) => readAll(reader, 'auditLog'));
        expect(read.map((d) => encodeDocument(d))).toEqual(docs.map((d) => encodeDocument({ ...d })));
        expect(read).toEqual(docs);
      });

      it("hands out copies: changing a batch never changes the store's data", async () => {
        await store.collection('ledgerEntries').insertOne(ledgerEntry('acct1', 0, 5, 5));
        await store.readSnapshot(async (reader) => {
          for await (const batch of reader.documents('ledgerEntries', 10))
            for (const doc of batch) {
              doc.amount = 1_000_000;
              (doc.source as { ref: string }).ref = 'changed';
            }
        });
        expect(await store.collection('ledgerEntries').find({})).toEqual([ledgerEntry('acct1', 0, 5, 5)]);
        expect(await store.readSnapshot((reader) => readAll(reader, 'ledgerEntries'))).toEqual([
          ledgerEntry('acct1', 0, 5, 5),
        ]);
      });

      it('reads the same documents, types kept, when a reader asks for them read-only', async () => {
        const docs = Array.from({ length: 25 }, (_, i) => mixedDoc(i));
        await store.collection('auditLog').insertMany(docs);
        // Read-only documents are only read within their batch (here: encoded), never kept.
        const encoded: Array<[string, string]> = [];
        const sizes: number[] = [];
        await store.readSnapshot(async (reader) => {
          for await (const batch of reader.documents('auditLog', 10, 'read-only')) {
            sizes.push(batch.length);
            for (const doc of batch) encoded.push([String(doc._id), encodeDocument(doc)]);
          }
        });
        expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
        expect(encoded.sort(([a], [b]) => a.localeCompare(b)).map(([, line]) => line)).toEqual(
          [...docs].sort((a, b) => a._id.localeCompare(b._id)).map((d) => encodeDocument({ ...d })),
        );
      });

      it('does not see writes committed after the snapshot was taken', async () => {
        await store.collection('accounts').insertOne(account('before', 0));
        await store.readSnapshot(async (reader) => {
          const first = await readAll(reader, 'accounts');
          await store.transaction(async (tx) => {
            await tx.collection('accounts').insertOne(account('after', 7));
            await tx.collection('accounts').updateOne({ _id: 'before' }, { $set: { balance: 5 } });
          });
          expect(await store.collection('accounts').count({})).toBe(2);
          expect(await readAll(reader, 'accounts')).toEqual(first);
          expect(first).toEqual([expect.objectContaining({ _id: 'before', balance: 0 })]);
          expect(await reader.count('accounts')).toBe(1);
        });
      });
    });

    describe('beginRestore', () => {
      it('swaps staged collections in only on commit', async () => {
        await store.collection('accounts').insertOne(account('live', 3));
        const staging = await store.beginRestore();
        await staging.prepare('accounts', INDEXES.accounts);
        await staging.insert('accounts', [account('restored-1', 1), account('restored-2', 2)]);
        expect((await store.collection('accounts').find({})).map((a) => a._id)).toEqual(['live']);
        await store.readSnapshot(async (reader) => {
          for (const name of await reader.collections()) expect(name.startsWith('__restore_')).toBe(false);
        });
        await staging.seal();
        expect(await staging.swap('accounts')).toBe('swapped');
        const after = await store.collection('accounts').find({}, { sort: { _id: 1 } });
        expect(after.map((a) => [a._id, a.balance])).toEqual([
          ['restored-1', 1],
          ['restored-2', 2],
        ]);
      });

      it('stages copies: changing the documents after insert changes nothing staged', async () => {
        const staging = await store.beginRestore();
        await staging.prepare('ledgerEntries', INDEXES.ledgerEntries);
        const given = [ledgerEntry('acct1', 0, 5, 5), ledgerEntry('acct1', 1, -1, 4)];
        await staging.insert('ledgerEntries', given as unknown as RawDocument[]);
        for (const doc of given) {
          doc.amount = 1_000_000;
          doc.actor.id = 'changed';
          doc.createdAt.setTime(0);
        }
        await staging.seal();
        await staging.swap('ledgerEntries');
        expect(await store.collection('ledgerEntries').find({}, { sort: { _id: 1 } })).toEqual([
          ledgerEntry('acct1', 0, 5, 5),
          ledgerEntry('acct1', 1, -1, 4),
        ]);
      });

      it('takes handed-over documents as they are', async () => {
        const staging = await store.beginRestore();
        await staging.prepare('ledgerEntries', INDEXES.ledgerEntries);
        const handed = () => [ledgerEntry('acct1', 0, 5, 5), ledgerEntry('acct1', 1, -1, 4)];
        await staging.insert('ledgerEntries', handed() as unknown as RawDocument[], 'hand-over');
        await staging.seal();
        await staging.swap('ledgerEntries');
        const restored = await store.collection('ledgerEntries').find({}, { sort: { _id: 1 } });
        expect(restored).toEqual(handed());
        // What the store hands out afterwards is still a copy of what it keeps.
        (restored[0] as LedgerEntryDoc).amount = 1_000_000;
        expect(await store.collection('ledgerEntries').findOne({ _id: 'acct1-e0' })).toEqual(
          ledgerEntry('acct1', 0, 5, 5),
        );
      });

      it('refuses handed-over documents that break a staged unique index', async () => {
        const staging = await store.beginRestore();
        await staging.prepare('ledgerEntries', INDEXES.ledgerEntries);
        const twin = { ...ledgerEntry('acct1', 1, -1, 4), _id: 'twin' };
        const attempt = async () => {
          const docs = [ledgerEntry('acct1', 1, -1, 4), twin] as unknown as RawDocument[];
          await staging.insert('ledgerEntries', docs, 'hand-over');
          await staging.seal();
        };
        await expect(attempt()).rejects.toBeInstanceOf(DuplicateKeyError);
        await staging.abort();
        expect(await store.collection('ledgerEntries').count({})).toBe(0);
      });

      it('holds a staged compound unique key across batches: the pair clashes, either part alone does not', async () => {
        const staging = await store.beginRestore();
        await staging.prepare('ledgerEntries', INDEXES.ledgerEntries);
        // The same idempotency key under another account, and another key under the same account.
        const first = [ledgerEntry('acct1', 1, -1, 4), ledgerEntry('acct2', 1, -1, 4), ledgerEntry('acct1', 2, 2, 6)];
        await staging.insert('ledgerEntries', first as unknown as RawDocument[], 'hand-over');
        const twin = { ...ledgerEntry('acct2', 1, -1, 4), _id: 'twin' };
        const attempt = async () => {
          await staging.insert('ledgerEntries', [twin] as unknown as RawDocument[], 'hand-over');
          await staging.seal();
        };
        const refused = attempt();
        await expect(refused).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(refused).rejects.toMatchObject({ index: 'account_idempotency_unique' });
        await staging.abort();
        expect(await store.collection('ledgerEntries').count({})).toBe(0);
      });

      it('gives a restored collection a compound unique index that finds, frees and refuses keys', async () => {
        const staging = await store.beginRestore();
        await staging.prepare('ledgerEntries', INDEXES.ledgerEntries);
        const docs = [ledgerEntry('acct1', 1, -1, 4), ledgerEntry('acct2', 1, -1, 4), ledgerEntry('acct1', 2, 2, 6)];
        await staging.insert('ledgerEntries', docs as unknown as RawDocument[], 'hand-over');
        await staging.seal();
        await staging.swap('ledgerEntries');
        const entries = store.collection('ledgerEntries');
        const byKey = async (accountId: string, idempotencyKey: string) =>
          (await entries.find({ accountId, idempotencyKey })).map((e) => e._id);
        expect(await byKey('acct1', 'seed-1')).toEqual(['acct1-e1']);
        expect(await byKey('acct2', 'seed-1')).toEqual(['acct2-e1']);
        expect(await byKey('acct2', 'seed-2')).toEqual([]);
        await expect(entries.insertOne({ ...ledgerEntry('acct1', 2, 2, 6), _id: 'again' })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        await entries.deleteOne({ _id: 'acct1-e2' });
        await entries.insertOne({ ...ledgerEntry('acct1', 2, 2, 6), _id: 'again' });
        expect(await byKey('acct1', 'seed-2')).toEqual(['again']);
      });

      it('leaves the live data untouched when aborted', async () => {
        await store.collection('accounts').insertOne(account('live', 3));
        const staging = await store.beginRestore();
        await staging.prepare('accounts', INDEXES.accounts);
        await staging.insert('accounts', [account('staged', 1)]);
        await staging.abort();
        expect(await store.collection('accounts').find({})).toEqual([account('live', 3)]);
        await store.readSnapshot(async (reader) => {
          for (const name of await reader.collections()) expect(name.startsWith('__restore_')).toBe(false);
        });
      });

      it('refuses documents that break a staged unique index and leaves the live data untouched', async () => {
        await store.collection('accounts').insertOne(account('live', 3));
        const staging = await store.beginRestore();
        await staging.prepare('accounts', INDEXES.accounts);
        const twin = { ...account('twin-2'), email: 'twin-1@example.com' };
        const attempt = async () => {
          await staging.insert('accounts', [account('twin-1'), twin]);
          await staging.seal();
        };
        await expect(attempt()).rejects.toBeInstanceOf(DuplicateKeyError);
        await staging.abort();
        expect(await store.collection('accounts').find({})).toEqual([account('live', 3)]);
      });

      it('gives a restored collection the staged indexes and enforces them', async () => {
        const extra: IndexSpec = { name: 'status_only', keys: { status: 1 } };
        const staging = await store.beginRestore();
        await staging.prepare('accounts', [...INDEXES.accounts, extra]);
        await staging.insert('accounts', [account('one')]);
        await staging.seal();
        await staging.swap('accounts');
        const indexes = await store.readSnapshot((reader) => reader.indexes('accounts'));
        expect(normalized(indexes)).toEqual(normalized([...INDEXES.accounts, extra]));
        await expect(
          store.collection('accounts').insertOne({ ...account('two'), email: 'one@example.com' }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
      });
    });

    describe('restore staging across a crash and beside another restore', () => {
      it('swaps idempotently and can be found again by its token', async () => {
        await store.collection('accounts').insertOne(account('live', 3));
        const staging = await store.beginRestore();
        await staging.prepare('accounts', INDEXES.accounts);
        await staging.insert('accounts', [account('restored', 1)]);
        await staging.seal();
        const again = await store.resumeRestore(staging.token);
        expect(await again.swap('accounts')).toBe('swapped');
        expect(await staging.swap('accounts')).toBe('already-swapped');
        expect((await store.collection('accounts').find({})).map((a) => a._id)).toEqual(['restored']);
      });

      it("aborting one restore leaves another restore's staging alone", async () => {
        const first = await store.beginRestore();
        await first.prepare('accounts', INDEXES.accounts);
        await first.insert('accounts', [account('from-first', 1)]);
        const second = await store.beginRestore();
        await second.prepare('accounts', INDEXES.accounts);
        await second.insert('accounts', [account('from-second', 2)]);
        expect(second.token).not.toBe(first.token);
        await second.abort();
        await first.seal();
        expect(await first.swap('accounts')).toBe('swapped');
        expect((await store.collection('accounts').find({})).map((a) => a._id)).toEqual(['from-first']);
      });

      it('keeps partial, TTL and collation options of a staged index', async () => {
        const partial: IndexSpec = {
          name: 'frozen_email_unique',
          keys: { email: 1 },
          unique: true,
          partialFilterExpression: { status: { $eq: 'frozen' } },
        };
        const ttl: IndexSpec = { name: 'updated_ttl', keys: { updatedAt: 1 }, expireAfterSeconds: 86_400 };
        const collated: IndexSpec = {
          name: 'status_ci',
          keys: { status: 1 },
          collation: { locale: 'en', strength: 2 },
        };
        const staging = await store.beginRestore();
        await staging.prepare('purchases', [partial, ttl, collated]);
        await staging.seal();
        await staging.swap('purchases');
        const read = await store.readSnapshot((reader) => reader.indexes('purchases'));
        const byName = new Map(read.map((ix) => [ix.name, ix]));
        expect(byName.get('frozen_email_unique')).toMatchObject({
          unique: true,
          partialFilterExpression: { status: { $eq: 'frozen' } },
        });
        expect(byName.get('updated_ttl')?.expireAfterSeconds).toBe(86_400);
        expect(byName.get('status_ci')?.collation).toMatchObject({ locale: 'en', strength: 2 });
      });
    });

    describe('mergeDocuments', () => {
      it('adds only the documents whose _id is missing and leaves present ones as they are', async () => {
        const kept = { ...mixedDoc(1), note: 'written after the backup' };
        await store.collection('auditLog').insertOne(kept);
        const raw = (i: number) => mixedDoc(i) as unknown as RawDocument;
        const added = await store.mergeDocuments('auditLog', [raw(1), raw(2), raw(3)]);
        expect(added).toBe(2);
        const all = await store.collection('auditLog').find({}, { sort: { _id: 1 } });
        expect(all).toHaveLength(3);
        expect(all.find((d) => d._id === kept._id)).toEqual(kept);
        expect(await store.mergeDocuments('auditLog', [raw(2)])).toBe(0);
      });

      it('merges handed-over documents the same way', async () => {
        await store.collection('auditLog').insertOne(mixedDoc(1));
        const raw = (i: number) => mixedDoc(i) as unknown as RawDocument;
        expect(await store.mergeDocuments('auditLog', [raw(1), raw(2)], 'hand-over')).toBe(1);
        expect(await store.collection('auditLog').find({}, { sort: { _id: 1 } })).toEqual([mixedDoc(1), mixedDoc(2)]);
      });
    });

    describe('drainTransactions', () => {
      it('returns only once a transaction begun before `since` has ended', async () => {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        let wrote!: () => void;
        const written = new Promise<void>((resolve) => (wrote = resolve));
        const tx = store.transaction(async (t) => {
          await t.collection('accounts').insertOne(account('in-flight', 1));
          wrote();
          await held;
        });
        await written;
        const drained = store
          .drainTransactions(new Date())
          .then(async () => store.collection('accounts').findOne({ _id: 'in-flight' }));
        setImmediate(release);
        expect(await drained).toEqual(account('in-flight', 1));
        await tx;
      });
    });

    describe(`${BackupService.name} round trip`, () => {
      let dir: Awaited<ReturnType<typeof tempDir>>;
      beforeEach(async () => {
        dir = await tempDir();
      });
      afterEach(() => dir.remove());

      it('brings back 10,000 mixed documents deep-equal, with their indexes, after a wipe', async () => {
        await seedLedger(store, { accounts: 20, entriesPerAccount: 10 });
        const mixed = Array.from({ length: 10_000 }, (_, i) => mixedDoc(i));
        for (let i = 0; i < mixed.length; i += 2000)
          await store.collection('auditLog').insertMany(mixed.slice(i, i + 2000));
        const backups = new BackupService({
          store,
          repository: new FsBackupRepository(dir.path),
          clock: new ManualClock(),
          toolVersion: 'test',
          gzip: adapter.name === 'mongo',
          batchSize: 700,
        });
        const before = await store.readSnapshot(async (reader) => ({
          audit: await readAll(reader, 'auditLog'),
          accounts: await readAll(reader, 'accounts'),
          entries: await readAll(reader, 'ledgerEntries'),
        }));

        const backup = await backups.create();
        expect(backup.collections.find((c) => c.name === 'auditLog')?.count).toBe(10_000);
        for (const name of COLLECTION_NAMES) await store.collection(name).deleteMany({});
        expect(await store.collection('auditLog').count({})).toBe(0);

        const restored = await backups.restore({ name: backup.name, drop: false });
        expect(restored.documents).toBe(10_000 + 20 + 200);

        const after = await store.readSnapshot(async (reader) => ({
          audit: await readAll(reader, 'auditLog'),
          accounts: await readAll(reader, 'accounts'),
          entries: await readAll(reader, 'ledgerEntries'),
          indexes: await Promise.all(COLLECTION_NAMES.map(async (n) => normalized(await reader.indexes(n)))),
        }));
        const restoreAudit = after.audit.filter((d) => d.action === 'backup.restore');
        expect(restoreAudit).toHaveLength(1);
        const audit = after.audit.filter((d) => d.action !== 'backup.restore');
        expect(audit.map((d) => encodeDocument(d))).toEqual(before.audit.map((d) => encodeDocument(d)));
        expect(audit).toEqual(before.audit);
        expect(after.accounts).toEqual(before.accounts);
        expect(after.entries).toEqual(before.entries);
        expect(after.indexes).toEqual(COLLECTION_NAMES.map((n) => normalized(INDEXES[n])));
        await expect(
          store
            .collection('ledgerEntries')
            .insertOne({ ...(before.entries[0] as unknown as LedgerEntryDoc), _id: 'dup-entry' }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
      });
    });
  });
}
