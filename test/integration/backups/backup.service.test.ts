import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { EJSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { BackupService } from '../../../src/domain/backups/backup.service.js';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import { INDEXES } from '../../../src/domain/ports/indexes.js';
import { backupSetups } from '../../helpers/backup-setup.js';

const setup = backupSetups();

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe(BackupService.name, () => {
  describe('create', () => {
    it('writes a manifest, one canonical Extended JSON document per line, and the indexes', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      expect(backup.name).toBe('2024-05-01T03-00-00-000Z');
      const manifest = await s.readManifest(backup.name);
      expect(manifest).toMatchObject({
        format: 'noi-credits-backup/1',
        createdAt: '2024-05-01T03:00:00.000Z',
        database: 'memory',
        toolVersion: 'noi-credits test',
        gzip: false,
      });
      const names = manifest.collections.map((c) => c.name);
      expect(names).toContain('ledgerEntries');
      expect(names).not.toContain('jobLocks');
      for (const c of manifest.collections) {
        const bytes = await readFile(s.path(backup.name, c.file));
        expect(sha256(bytes)).toBe(c.sha256);
        expect(bytes.length).toBe(c.bytes);
        const lines = bytes.toString('utf8').split('\n').filter(Boolean);
        expect(lines).toHaveLength(c.count);
        for (const line of lines)
          expect(EJSON.stringify(EJSON.parse(line, { relaxed: false }), { relaxed: false })).toBe(line);
      }
      const ledger = manifest.collections.find((c) => c.name === 'ledgerEntries')!;
      expect(ledger.count).toBe(30);
      const metadata = JSON.parse(await readFile(s.path(backup.name, 'ledgerEntries.metadata.json'), 'utf8'));
      expect(metadata.indexes.map((i: { name: string }) => i.name)).toEqual([
        '_id_',
        ...INDEXES.ledgerEntries.map((i) => i.name),
      ]);
      expect(await readdir(s.dir.path)).toEqual([backup.name]);
    });

    it('gzips the collection files when asked', async () => {
      const s = await setup({ gzip: true });
      const backup = await s.backups.create();
      const manifest = await s.readManifest(backup.name);
      const accounts = manifest.collections.find((c) => c.name === 'accounts')!;
      expect(accounts.file).toBe('accounts.json.gz');
      const text = gunzipSync(await readFile(s.path(backup.name, 'accounts.json.gz'))).toString('utf8');
      expect(text.split('\n').filter(Boolean)).toHaveLength(5);
      expect((await s.backups.verify({ name: backup.name })).ok).toBe(true);
    });

    it('gives two backups taken in the same millisecond different names', async () => {
      const s = await setup();
      const a = await s.backups.create();
      const b = await s.backups.create();
      expect([a.name, b.name]).toEqual(['2024-05-01T03-00-00-000Z', '2024-05-01T03-00-00-000Z-1']);
    });
  });

  describe('list', () => {
    it('lists only complete backups, newest first', async () => {
      const s = await setup();
      const first = await s.backups.create();
      s.clock.advance(60_000);
      const second = await s.backups.create();
      await mkdir(s.path('2024-05-01T04-00-00-000Z.tmp'));
      await mkdir(s.path('2024-05-01T05-00-00-000Z'));
      const listed = await s.backups.list();
      expect(listed.map((b) => b.name)).toEqual([second.name, first.name]);
      // A backup on demand is verified as it is written, like the scheduled one.
      expect(listed[0]).toMatchObject({ documents: 5 + 30 + 2, lastVerification: { ok: true } });
    });
  });

  describe('verify', () => {
    it('passes an intact backup and records when it did', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const v = await s.backups.verify({ name: backup.name });
      expect(v).toMatchObject({ ok: true, problems: [] });
      expect(v.collections.find((c) => c.name === 'ledgerEntries')?.count).toBe(30);
      const [listed] = await s.backups.list();
      expect(listed?.lastVerification).toEqual({ ok: true, at: new Date('2024-05-01T03:00:00.000Z') });
    });

    it('refuses names that are not backup names, and unknown backups', async () => {
      const s = await setup();
      await expect(s.backups.verify({ name: '../../etc' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(s.backups.verify({ name: '2020-01-01T00-00-00-000Z' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('restore', () => {
    it('replaces the live data with the backup when asked to drop it, and records who did it', async () => {
      const s = await setup();
      const before = await s.liveState();
      const backup = await s.backups.create();
      await s.changeLive();
      expect(await s.liveState()).not.toEqual(before);
      const restored = await s.backups.restore({
        name: backup.name,
        drop: true,
        actor: { type: 'admin', id: 'ops-1' },
      });
      expect(restored).toMatchObject({ name: backup.name, drop: true, documents: 37 });
      const after = await s.liveState();
      const { auditLog, ...rest } = after;
      const { auditLog: auditBefore, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
      expect(auditBefore).toEqual([]);
      expect(auditLog).toHaveLength(1);
      expect(await s.store.collection('auditLog').findOne({ action: 'backup.restore' })).toMatchObject({
        actor: { type: 'admin', id: 'ops-1' },
        target: { type: 'backup', id: backup.name },
      });
      expect((await s.ledger.verifyLedger()).ok).toBe(true);
    });

    it('refuses to restore over live data without drop', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      await s.changeLive();
      const live = await s.liveState();
      await expect(s.backups.restore({ name: backup.name, drop: false })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/live collections hold data: accounts \(5\).*restore with drop/),
      });
      expect(await s.liveState()).toEqual(live);
    });

    it('leaves the live data untouched when loading fails half-way', async () => {
      const s = await setup({ batchSize: 2 });
      const backup = await s.backups.create();
      const text = await readFile(s.path(backup.name, 'accounts.json'), 'utf8');
      const lines = text.split('\n').filter(Boolean);
      // Same e-mail twice: every check of verify passes, the unique index of the staging copy does not.
      const twin = lines[4]!.replace('"_id":"acct0000004"', '"_id":"acct0000009"');
      lines.push(twin.replace(/"balance":\{[^}]*\}/, '"balance":{"$numberInt":"0"}'));
      await s.forge(backup.name, 'accounts.json', `${lines.join('\n')}\n`, 6);
      expect((await s.backups.verify({ name: backup.name })).ok).toBe(true);
      await s.changeLive();
      const live = await s.liveState();
      const failure = await s.backups.restore({ name: backup.name, drop: true }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DuplicateKeyError);
      expect(failure).toMatchObject({ collection: 'accounts', index: 'email_unique' });
      expect(await s.liveState()).toEqual(live);
    });

    it('restores the indexes recorded in the metadata, with those the code declares', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const file = 'accounts.metadata.json';
      const metadata = JSON.parse(await readFile(s.path(backup.name, file), 'utf8'));
      metadata.indexes.push({ v: 2, key: { status: 1, createdAt: -1 }, name: 'status_newest' });
      metadata.indexes = metadata.indexes.filter((i: { name: string }) => i.name !== 'discordUserId_unique');
      await s.forge(backup.name, file, JSON.stringify(metadata));
      await s.backups.restore({ name: backup.name, drop: true });
      const indexes = await s.store.readSnapshot((r) => r.indexes('accounts'));
      expect(indexes.map((i) => i.name).sort()).toEqual(
        [...INDEXES.accounts.map((i) => i.name), 'status_newest'].sort(),
      );
    });
  });

  describe('prune', () => {
    const hour = 60 * 60 * 1000;

    it('applies BACKUP_RETENTION to every backup taken on demand', async () => {
      const s = await setup({ retention: 3 });
      const names: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        names.push((await s.backups.create()).name);
        s.clock.advance(hour);
      }
      expect((await s.backups.list()).map((b) => b.name)).toEqual(names.slice(2).reverse());
      expect(await readdir(s.dir.path)).toHaveLength(3);
      expect(await s.backups.prune()).toMatchObject({ kept: names.slice(2).reverse(), deleted: [], spared: [] });
    });

    it('never deletes the only verified backup', async () => {
      const s = await setup({ retention: 10 });
      const verified = await s.backups.create();
      const later: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        s.clock.advance(hour);
        const name = (await s.backups.create()).name;
        later.push(name);
        // Damaged after it was written: its next verify fails.
        await writeFile(s.path(name, 'accounts.json'), 'not extended json\n');
        expect((await s.backups.verify({ name })).ok).toBe(false);
      }
      const strict = new BackupService({
        store: s.store,
        repository: s.repository,
        clock: s.clock,
        toolVersion: 'test',
        retention: 2,
      });
      const result = await strict.prune();
      expect(result).toMatchObject({ kept: [later[2], later[1]], spared: [verified.name], deleted: [later[0]] });
      expect((await strict.list()).map((b) => b.name)).toEqual([later[2], later[1], verified.name]);
    });

    it('removes unfinished backups older than a day and leaves a recent one alone', async () => {
      const s = await setup();
      await mkdir(s.path('2024-04-29T03-00-00-000Z.tmp'));
      await mkdir(s.path('2024-05-01T02-00-00-000Z.tmp'));
      const result = await s.backups.prune();
      expect(result.removedIncomplete).toEqual(['2024-04-29T03-00-00-000Z']);
      expect(await readdir(s.dir.path)).toEqual(['2024-05-01T02-00-00-000Z.tmp']);
    });
  });

  describe('runScheduled', () => {
    it('backs up, verifies the new backup, then prunes', async () => {
      const s = await setup({ retention: 1 });
      const old = await s.backups.create();
      s.clock.advance(60_000);
      const result = await s.backups.runScheduled();
      expect(result.verification.ok).toBe(true);
      expect(result.prune).toMatchObject({ kept: [result.backup.name], deleted: [old.name] });
      expect(result.backup.lastVerification?.ok).toBe(true);
    });
  });
});
