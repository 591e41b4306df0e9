/**
 * Backups hold every account's email and history. Only the service's own user may read them, and a
 * symlink inside the backup location (planted, or copied in with a backup) is never followed.
 */
import { lstat, readdir, readFile, rename, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsBackupRepository } from '../../../src/backups/fs-backup.repository.js';
import { tempDir } from '../../helpers/backup-fixtures.js';
import { backupSetup } from '../../helpers/backup-setup.js';

type Setup = Awaited<ReturnType<typeof backupSetup>>;
const cleanups: Array<{ remove(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c.remove();
});

const setup = async (): Promise<Setup> => {
  const s = await backupSetup({ gzip: false });
  cleanups.push(s.dir);
  return s;
};
const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe(FsBackupRepository.name, () => {
  describe('permissions', () => {
    it('creates the location and each backup directory 0700, and every file 0600', async () => {
      const dir = await tempDir();
      cleanups.push(dir);
      const root = join(dir.path, 'data', 'backups');
      const writer = await new FsBackupRepository(root).begin('b1');
      await writer.writeJson('manifest.json', {});
      await writer.commit();
      expect(await mode(join(dir.path, 'data'))).toBe(0o700);
      expect(await mode(root)).toBe(0o700);
      expect(await mode(join(root, 'b1'))).toBe(0o700);
      expect(await mode(join(root, 'b1', 'manifest.json'))).toBe(0o600);
    });

    it('writes a real backup with no file readable by group or others', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      await s.backups.verify({ name: backup.name }); // also writes the verification record
      expect(await mode(s.path(backup.name))).toBe(0o700);
      const files = await readdir(s.path(backup.name));
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) expect([f, await mode(s.path(backup.name, f))]).toEqual([f, 0o600]);
    });
  });

  describe('symlinks', () => {
    it('fails verify (and so restore) when a collection file is a symlink, even to identical bytes', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const outside = await tempDir();
      cleanups.push(outside);
      const target = join(outside.path, 'accounts.json');
      await writeFile(target, await readFile(s.path(backup.name, 'accounts.json')));
      await rename(s.path(backup.name, 'accounts.json'), join(outside.path, 'moved'));
      await symlink(target, s.path(backup.name, 'accounts.json'));

      const v = await s.backups.verify({ name: backup.name });
      expect(v.ok).toBe(false);
      expect(v.problems).toContainEqual(
        expect.objectContaining({ file: 'accounts.json', problem: expect.stringContaining('symbolic link') }),
      );
      await expect(s.backups.restore({ name: backup.name, drop: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    });

    it('does not read a manifest or metadata file through a symlink', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const outside = await tempDir();
      cleanups.push(outside);
      const meta = 'ledgerEntries.metadata.json';
      await writeFile(join(outside.path, meta), await readFile(s.path(backup.name, meta)));
      await rename(s.path(backup.name, meta), join(outside.path, 'moved'));
      await symlink(join(outside.path, meta), s.path(backup.name, meta));
      const v = await s.backups.verify({ name: backup.name });
      expect(v.problems).toContainEqual(
        expect.objectContaining({ file: meta, problem: expect.stringContaining('symbolic link') }),
      );
    });

    it('refuses a backup directory that is a symlink to another directory', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const outside = await tempDir();
      cleanups.push(outside);
      await rename(s.path(backup.name), join(outside.path, 'real'));
      await symlink(join(outside.path, 'real'), s.path(backup.name));
      expect(await s.backups.list()).toEqual([]);
      await expect(s.backups.verify({ name: backup.name })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(s.repository.readJson(backup.name, 'manifest.json')).rejects.toThrow(/symbolic link/);
    });

    it('deletes a symlink inside a backup, never what it points to', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const outside = await tempDir();
      cleanups.push(outside);
      const precious = join(outside.path, 'precious.txt');
      await writeFile(precious, 'keep me');
      await symlink(outside.path, s.path(backup.name, 'link-to-dir'));
      await symlink(precious, s.path(backup.name, 'link-to-file'));
      await s.repository.remove({ name: backup.name, complete: true });
      await expect(lstat(s.path(backup.name))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readFile(precious, 'utf8')).toBe('keep me');
    });
  });
});
