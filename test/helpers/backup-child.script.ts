/**
 * Run as a child process by the kill test: `node --import tsx backup-child.script.ts <dir> <entries>`.
 * Seeds a memory store with a consistent ledger, then writes one backup into <dir>.
 */
import { FsBackupRepository } from '../../src/backups/fs-backup.repository.js';
import { BackupService } from '../../src/domain/backups/backup.service.js';
import { systemClock } from '../../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../../src/store/memory/memory.store.js';
import { seedLedger } from './backup-fixtures.js';

const [dir, entries] = process.argv.slice(2);
if (!dir || !entries) throw new Error('usage: backup-child.script.ts <dir> <entries>');
const store = new MemoryStore();
await seedLedger(store, { accounts: 1000, entriesPerAccount: Math.ceil(Number(entries) / 1000) });
process.stdout.write('seeded\n');
const backups = new BackupService({
  store,
  repository: new FsBackupRepository(dir),
  clock: systemClock,
  toolVersion: 'kill-test',
  batchSize: 200,
});
const backup = await backups.create();
process.stdout.write(`created ${backup.name}\n`);
