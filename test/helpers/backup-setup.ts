/** A BackupService on a fresh memory store and a temporary directory, plus helpers to tamper with files. */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { encodeDocument } from '../../src/backups/ejson.codec.js';
import { FsBackupRepository } from '../../src/backups/fs-backup.repository.js';
import { EXCLUDED_COLLECTIONS } from '../../src/domain/backups/backup-manifest.js';
import { BackupService } from '../../src/domain/backups/backup.service.js';
import { LedgerService } from '../../src/domain/ledger/ledger.service.js';
import type { WrittenTextCheckFactory } from '../../src/domain/ports/backup-repository.port.js';
import type { Logger } from '../../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../../src/store/memory/memory.store.js';
import { processedEvent, seedLedger, tempDir } from './backup-fixtures.js';
import { ManualClock } from './manual-clock.js';

export interface BackupSetupOptions {
  gzip?: boolean;
  retention?: number;
  batchSize?: number;
  accounts?: number;
  entriesPerAccount?: number;
  writtenCheck?: WrittenTextCheckFactory;
  logger?: Logger;
}

export async function backupSetup(options: BackupSetupOptions = {}) {
  const dir = await tempDir();
  const store = new MemoryStore();
  const clock = new ManualClock();
  const repository = new FsBackupRepository(dir.path);
  const backups = new BackupService({
    store,
    repository,
    clock,
    toolVersion: 'noi-credits test',
    gzip: options.gzip ?? false,
    retention: options.retention ?? 10,
    batchSize: options.batchSize ?? 50,
    writtenCheck: options.writtenCheck,
    logger: options.logger,
  });
  const ledger = new LedgerService({ store, clock });
  await seedLedger(store, { accounts: options.accounts ?? 5, entriesPerAccount: options.entriesPerAccount ?? 6 });
  await store.collection('processedEvents').insertMany([processedEvent('evt_1'), processedEvent('evt_2')]);

  /** Every document of every collection, encoded type-exactly, to compare the whole database. */
  const liveState = () =>
    store.readSnapshot(async (reader) => {
      const out: Record<string, string[]> = {};
      // The restore's own bookkeeping (maintenance switch, journal) is not data a restore brings back.
      for (const name of (await reader.collections()).filter((n) => !EXCLUDED_COLLECTIONS.has(n)).sort()) {
        const lines: string[] = [];
        for await (const batch of reader.documents(name, 1000)) for (const d of batch) lines.push(encodeDocument(d));
        out[name] = lines.sort();
      }
      return out;
    });

  const path = (name: string, file = '') => join(dir.path, name, file);
  const readManifest = async (name: string) =>
    JSON.parse(await readFile(path(name, 'manifest.json'), 'utf8')) as {
      collections: Array<{ name: string; file: string; count: number; sha256: string; bytes: number }> & unknown[];
    } & Record<string, unknown>;
  const writeManifest = (name: string, manifest: unknown) =>
    writeFile(path(name, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  /** Rewrites a file and makes the manifest agree with it, so only deeper checks can notice. */
  const forge = async (name: string, file: string, content: Buffer | string, count?: number) => {
    const bytes = Buffer.from(content);
    await writeFile(path(name, file), bytes);
    const manifest = await readManifest(name);
    for (const c of manifest.collections as Array<Record<string, unknown>>) {
      const target = c.file === file ? c : (c.metadata as Record<string, unknown>).file === file ? c.metadata : null;
      if (!target || typeof target !== 'object') continue;
      const t = target as Record<string, unknown>;
      t.sha256 = createHash('sha256').update(bytes).digest('hex');
      t.bytes = bytes.length;
      if (count !== undefined) t.count = count;
    }
    await writeManifest(name, manifest);
  };

  const actor = { type: 'system' as const, id: 'test' };
  /** Changes the live data, so a later comparison shows whether a restore touched it. */
  const changeLive = () =>
    ledger.grant({
      accountId: 'acct0000000',
      amount: 3,
      reason: 'after the backup',
      idempotencyKey: `later-${store.newId()}`,
      actor,
      source: { type: 'system' },
    });

  return {
    dir,
    store,
    clock,
    repository,
    backups,
    ledger,
    liveState,
    path,
    readManifest,
    writeManifest,
    forge,
    changeLive,
  };
}

export type BackupSetup = Awaited<ReturnType<typeof backupSetup>>;

/** `backupSetup` for a test file: each setup's directory is removed after the test that made it. */
export function backupSetups(): (options?: BackupSetupOptions) => Promise<BackupSetup> {
  const made: BackupSetup[] = [];
  afterEach(async () => {
    for (const s of made.splice(0)) await s.dir.remove();
  });
  return async (options = {}) => {
    const s = await backupSetup(options);
    made.push(s);
    return s;
  };
}
