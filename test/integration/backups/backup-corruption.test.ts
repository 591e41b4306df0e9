/**
 * A damaged backup must fail verify with a message that names the file (and the line when there is
 * one), and restore must refuse it without touching the live data.
 */
import { readFile, rm, truncate, writeFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BackupService } from '../../../src/domain/backups/backup.service.js';
import type { BackupProblem } from '../../../src/domain/backups/backup.types.js';
import { backupSetup } from '../../helpers/backup-setup.js';

type Setup = Awaited<ReturnType<typeof backupSetup>>;
const cleanups: Setup[] = [];
afterEach(async () => {
  for (const s of cleanups.splice(0)) await s.dir.remove();
});

interface Case {
  title: string;
  gzip?: boolean;
  damage(s: Setup, name: string): Promise<void>;
  expected: Partial<BackupProblem> | Array<Partial<BackupProblem>>;
  /** A backup whose manifest cannot be read is not listed at all. */
  unlisted?: boolean;
}

const lines = async (s: Setup, name: string, file: string) =>
  (await readFile(s.path(name, file), 'utf8')).split('\n').filter(Boolean);

const cases: Case[] = [
  {
    title: 'a changed byte inside a value',
    damage: async (s, name) => {
      const path = s.path(name, 'ledgerEntries.json');
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace('property analysis', 'property analysiz'));
    },
    expected: {
      file: 'ledgerEntries.json',
      problem: expect.stringMatching(/^SHA-256 mismatch: manifest [0-9a-f]{64}, file [0-9a-f]{64}$/),
    },
  },
  {
    title: 'a changed byte that breaks a line',
    damage: async (s, name) => {
      const path = s.path(name, 'ledgerEntries.json');
      const all = await lines(s, name, 'ledgerEntries.json');
      all[6] = `x${all[6]!.slice(1)}`;
      await writeFile(path, `${all.join('\n')}\n`);
    },
    expected: [
      { file: 'ledgerEntries.json', line: 7, problem: expect.stringMatching(/not a canonical Extended JSON document/) },
      { file: 'ledgerEntries.json', problem: expect.stringMatching(/SHA-256 mismatch/) },
    ],
  },
  {
    title: 'a truncated gzip file',
    gzip: true,
    damage: async (s, name) => {
      const path = s.path(name, 'ledgerEntries.json.gz');
      await truncate(path, Math.floor((await stat(path)).size / 2));
    },
    expected: {
      file: 'ledgerEntries.json.gz',
      problem: expect.stringMatching(/corrupt or truncated gzip \(unexpected end of file\)/),
    },
  },
  {
    title: 'a missing collection file',
    damage: (s, name) => rm(s.path(name, 'accounts.json')),
    expected: { file: 'accounts.json', problem: 'file is missing' },
  },
  {
    title: 'a missing metadata file',
    damage: (s, name) => rm(s.path(name, 'ledgerEntries.metadata.json')),
    expected: { file: 'ledgerEntries.metadata.json', problem: 'file is missing' },
  },
  {
    title: 'a manifest count off by one',
    damage: async (s, name) => {
      const manifest = await s.readManifest(name);
      manifest.collections.find((c) => c.name === 'ledgerEntries')!.count += 1;
      await s.writeManifest(name, manifest);
    },
    expected: { file: 'ledgerEntries.json', problem: '30 documents, manifest says 31' },
  },
  {
    title: 'a ledger entry removed (with a manifest that agrees)',
    damage: async (s, name) => {
      const all = await lines(s, name, 'ledgerEntries.json');
      const kept = all.filter((l) => !l.includes('"_id":"acct0000002-e3"'));
      expect(kept).toHaveLength(29);
      await s.forge(name, 'ledgerEntries.json', `${kept.join('\n')}\n`, 29);
    },
    expected: {
      file: 'accounts.json',
      line: 3,
      problem: 'account acct0000002: balance 6 != sum of its ledger entries 7',
    },
  },
  {
    title: 'a Stripe event processed twice (with a manifest that agrees)',
    damage: async (s, name) => {
      const all = await lines(s, name, 'processedEvents.json');
      all.push(all[0]!.replace('"_id":"pe_evt_1"', '"_id":"pe_evt_1_again"'));
      await s.forge(name, 'processedEvents.json', `${all.join('\n')}\n`, 3);
    },
    expected: {
      file: 'processedEvents.json',
      line: 3,
      problem: 'duplicate processed event stripe/evt_1 (first at line 1)',
    },
  },
  {
    title: 'an unreadable manifest',
    damage: (s, name) => writeFile(s.path(name, 'manifest.json'), '{"format":'),
    expected: { file: 'manifest.json', problem: expect.stringMatching(/not valid JSON/) },
    unlisted: true,
  },
];

describe(BackupService.name, () => {
  describe('verify and restore of a damaged backup', () => {
    for (const c of cases)
      it(`fails verify naming what is wrong, and restore refuses without touching live data: ${c.title}`, async () => {
        const s = await backupSetup({ gzip: c.gzip, batchSize: 4 });
        cleanups.push(s);
        const backup = await s.backups.create();
        expect((await s.backups.verify({ name: backup.name })).ok).toBe(true);
        await c.damage(s, backup.name);

        const v = await s.backups.verify({ name: backup.name });
        expect(v.ok).toBe(false);
        const expected = Array.isArray(c.expected) ? c.expected : [c.expected];
        expect(v.problems).toEqual(expect.arrayContaining(expected.map((e) => expect.objectContaining(e))));
        expect(v.problems).toHaveLength(expected.length);
        const listed = await s.backups.list();
        if (c.unlisted) expect(listed).toEqual([]);
        else expect(listed[0]?.lastVerification?.ok).toBe(false);

        await s.changeLive();
        const live = await s.liveState();
        await expect(s.backups.restore({ name: backup.name, drop: true })).rejects.toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining(`backup ${backup.name} failed verification: ${expected[0]!.file}`),
        });
        expect(await s.liveState()).toEqual(live);
      });
  });
});
