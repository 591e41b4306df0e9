import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBackupRepository } from '../../../src/backups/fs-backup.repository.js';
import { BackupService } from '../../../src/domain/backups/backup.service.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { tempDir } from '../../helpers/backup-fixtures.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const script = join(import.meta.dirname, '..', '..', 'helpers', 'backup-child.script.ts');

/** Resolves with the first entry of `dir` that `match` accepts, whether it exists already or appears later. */
async function waitForEntry(dir: string, match: (name: string) => boolean): Promise<string> {
  const watcher = watch(dir);
  try {
    return await new Promise<string>((resolve, reject) => {
      watcher.on('change', (_event, name) => {
        if (typeof name === 'string' && match(name)) resolve(name);
      });
      watcher.on('error', reject);
      readdir(dir).then((names) => {
        const found = names.find(match);
        if (found) resolve(found);
      }, reject);
    });
  } finally {
    watcher.close();
  }
}

describe(BackupService.name, () => {
  describe('create', () => {
    it('leaves no backup that list reports as complete when its process is killed mid-way', async () => {
      const dir = await tempDir();
      try {
        const child = spawn(process.execPath, ['--import', 'tsx', script, dir.path, '120000'], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
          child.on('exit', (code, signal) => resolve(signal ?? code)),
        );

        const tmp = await Promise.race([
          waitForEntry(dir.path, (n) => n.endsWith('.tmp')),
          exited.then(() => Promise.reject(new Error(`child exited before writing:\n${output}`))),
        ]);
        // The largest file is being written: the backup is well under way, and far from done.
        await waitForEntry(join(dir.path, tmp), (n) => n === 'ledgerEntries.json');
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        expect(output).not.toContain('created');

        const backups = new BackupService({
          store: new MemoryStore(),
          repository: new FsBackupRepository(dir.path),
          clock: new ManualClock(),
          toolVersion: 'test',
        });
        expect(await backups.list()).toEqual([]);
        const left = await readdir(join(dir.path, tmp));
        expect(left).toContain('ledgerEntries.json');
        expect(left).not.toContain('manifest.json');
        await expect(backups.verify({ name: tmp.slice(0, -'.tmp'.length) })).rejects.toMatchObject({
          code: 'NOT_FOUND',
        });
      } finally {
        await dir.remove();
      }
    });
  });
});
