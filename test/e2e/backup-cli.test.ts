import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupSetup } from '../helpers/backup-setup.js';

/** `npm run cli -- backup …` as a process (the built dist/, as operators run it). */
const root = join(import.meta.dirname, '..', '..');
const cli = (args: string[], env: Record<string, string> = { NODE_ENV: 'development', EMBEDDED_MONGO: 'off' }) =>
  spawnSync(process.execPath, ['dist/cli/main.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** The result line among the JSON lines on stdout (the log's lines interleave with it in any order). */
const verifiedLine = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event?: string; verification?: { ok: boolean; problems: Array<{ file: string }> } })
    .find((l) => l.event === 'verified');

/** A backup written to a directory of its own; the CLI is then pointed at it with no database at all. */
async function backupOnDisk() {
  const setup = await backupSetup({ accounts: 3, entriesPerAccount: 2 });
  cleanups.push(setup.dir.remove);
  const backup = await setup.backups.create();
  // Production, as on the backup host: NODE_ENV unset, no MONGODB_URI, no auth key.
  const offline = { BACKUP_DIR: setup.dir.path, EMBEDDED_MONGO: 'off' };
  return { ...setup, name: backup.name, offline };
}

describe('npm run cli -- backup', () => {
  it('lists its subcommands', () => {
    const r = cli(['backup', '--help']);
    expect(r.status).toBe(0);
    for (const sub of ['create', 'list', 'verify', 'restore', 'prune']) expect(r.stdout).toContain(sub);
  });

  it('explains, with the memory engine, that backups go through the running server', () => {
    const r = cli(['backup', 'create']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/CONFIGURATION.*data lives inside the running server process/s);
    expect(r.stderr).toMatch(/createBackup.*\/backup run/s);
  });

  describe('verify, on the backup files alone', () => {
    it('verifies a backup in production with no database configured', async () => {
      const b = await backupOnDisk();
      const r = cli(['backup', 'verify', b.name], b.offline);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(verifiedLine(r.stdout)).toMatchObject({
        event: 'verified',
        verification: { name: b.name, ok: true, problems: [] },
      });
      // The outcome is recorded next to the backup, as a verify through the server records it.
      expect((await b.backups.list())[0]?.lastVerification).toMatchObject({ ok: true });
    });

    it('exits 2 and names the problem when the files are damaged', async () => {
      const b = await backupOnDisk();
      const file = b.path(b.name, 'ledgerEntries.json');
      await writeFile(file, (await readFile(file, 'utf8')).replace('"amount"', '"amoumt"'));
      const r = cli(['backup', 'verify', b.name], b.offline);
      expect(r.status).toBe(2);
      const out = verifiedLine(r.stdout);
      expect(out?.verification?.ok).toBe(false);
      expect(out?.verification?.problems).toContainEqual(expect.objectContaining({ file: 'ledgerEntries.json' }));
    });

    it('answers NOT_FOUND for a backup that is not there, and BAD_USER_INPUT for a name that is not one', async () => {
      const b = await backupOnDisk();
      const missing = cli(['backup', 'verify', '2001-01-01T00-00-00-000Z'], b.offline);
      expect(missing.status).toBe(4);
      expect(missing.stderr).toMatch(/NOT_FOUND/);
      const bad = cli(['backup', 'verify', '../etc'], b.offline);
      expect(bad.status).toBe(3);
      expect(bad.stderr).toMatch(/BAD_USER_INPUT/);
    });
  });

  it('says, in production without MONGODB_URI, that the other backup commands need the database', async () => {
    const b = await backupOnDisk();
    for (const sub of [['list'], ['create'], ['restore', b.name, '--drop'], ['prune']]) {
      const r = cli(['backup', ...sub], b.offline);
      expect(r.status, sub.join(' ')).toBe(1);
      expect(r.stderr).toMatch(
        /^error \[CONFIGURATION\]: this backup command needs the database and a complete configuration/,
      );
      expect(r.stderr).toContain('MONGODB_URI: required when NODE_ENV=production');
      expect(r.stderr).toContain('`backup verify <name>` needs no database');
    }
    expect((await b.backups.list()).map((x) => x.name)).toEqual([b.name]);
  });

  it('names the configuration problem that stops it, not the memory engine, when MONGODB_URI is set', async () => {
    const b = await backupOnDisk();
    // Production with a database but no auth key: the configuration fails before any connection.
    const r = cli(['backup', 'list'], { ...b.offline, MONGODB_URI: 'mongodb://127.0.0.1:9/noi?replicaSet=rs0' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('AUTH_JWT_SECRET: set it or AUTH_JWKS_URL when NODE_ENV=production');
    expect(r.stderr).not.toContain('data lives inside the running server process');
  });
});
