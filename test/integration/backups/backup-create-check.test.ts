/**
 * A create verifies what it wrote. With a check of the text as it is written, that verify reads
 * back only the files' digests; it must reach the verdict a verify reading everything back reaches.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { WorkerWrittenCheck } from '../../../src/backups/worker-written.check.js';
import { InlineWrittenCheck, WrittenText } from '../../../src/backups/written-text.js';
import type { BackupManifest } from '../../../src/domain/backups/backup-manifest.js';
import { verifyWrittenFiles } from '../../../src/domain/backups/backup-verify.js';
import type { WrittenTextCheckFactory } from '../../../src/domain/ports/backup-repository.port.js';
import { backupSetups } from '../../helpers/backup-setup.js';

const setup = backupSetups();

const modes: Array<[string, WrittenTextCheckFactory | undefined]> = [
  ['reading the files back', undefined],
  ['checking the text on the writer’s thread', () => new InlineWrittenCheck()],
  ['checking the text on a thread of its own', () => new WorkerWrittenCheck()],
];

describe.each(modes)('create, verifying by %s', (_label, writtenCheck) => {
  it('records a verified backup whose counts are those a later verify reads', async () => {
    const s = await setup({ writtenCheck, entriesPerAccount: 40 });
    const created = await s.backups.create();
    expect(created.lastVerification).toMatchObject({ ok: true });
    const [listed] = await s.backups.list();
    expect(listed).toMatchObject({ name: created.name, lastVerification: { ok: true } });
    const again = await s.backups.verify({ name: created.name });
    expect(again.ok).toBe(true);
    const manifest = await s.readManifest(created.name);
    expect(again.collections).toEqual(manifest.collections.map((c) => ({ name: c.name, count: c.count })));
    expect(manifest.collections.find((c) => c.name === 'ledgerEntries')?.count).toBe(200);
  });

  it('refuses to keep a backup of a ledger that drifted, naming the account, and deletes no older backup', async () => {
    const s = await setup({ writtenCheck });
    const good = await s.backups.create();
    s.clock.advance(60_000);
    // Drift: a balance changed outside the ledger.
    await s.store.collection('accounts').updateOne({ _id: 'acct0000001' }, { $inc: { balance: 5 } });
    await expect(s.backups.create()).rejects.toThrow(
      /failed verify: accounts\.json account acct0000001: balance \d+ != sum of its ledger entries \d+/,
    );
    expect((await s.backups.list()).map((b) => b.name)).toContain(good.name);
  });
});

describe('create with a check of the written text', () => {
  it('verifies by reading the files back when the check fails, and says so', async () => {
    const warnings: string[] = [];
    const logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_o: object, msg?: string) => void warnings.push(msg ?? ''),
    };
    let check: WorkerWrittenCheck | null = null;
    const s = await setup({
      logger,
      entriesPerAccount: 20,
      writtenCheck: () => (check = new WorkerWrittenCheck()),
    });
    // The check's thread goes away in the middle of the write.
    const created = await s.backups.create({ onProgress: () => void check?.close() });
    expect(created.lastVerification).toMatchObject({ ok: true });
    expect(warnings).toContain('checking the new backup as written failed; reading it back');
    expect((await s.backups.verify({ name: created.name })).ok).toBe(true);
  });

  /** A backup just created, and a check's report of its files' text, leaving out some collections. */
  async function createdAndChecked(leaveOut: string[] = []) {
    const s = await setup();
    const created = await s.backups.create();
    const manifest = JSON.parse(await readFile(s.path(created.name, 'manifest.json'), 'utf8')) as BackupManifest;
    const text = new WrittenText();
    for (const c of manifest.collections)
      if (!leaveOut.includes(c.name)) text.add(c.name, c.file, await readFile(s.path(created.name, c.file), 'utf8'));
    return { s, created, manifest, report: text.report() };
  }

  it('reads the digests back: a file changed after its text was checked fails verify', async () => {
    // A report of the text as it was written…
    const { s, created, manifest, report } = await createdAndChecked();
    expect((await verifyWrittenFiles(s.repository, manifest, report)).problems).toEqual([]);
    // …and the file on disk changed since (one digit of an amount): its digest no longer matches.
    const file = s.path(created.name, 'ledgerEntries.json');
    const original = await readFile(file, 'utf8');
    const changed = original.replace(/"\$numberInt":"(\d)/, (_m, d: string) => `"$numberInt":"${(Number(d) + 1) % 10}`);
    expect(changed).not.toBe(original);
    await writeFile(file, changed);
    const { problems } = await verifyWrittenFiles(s.repository, manifest, report);
    expect(problems).toEqual([
      {
        file: 'ledgerEntries.json',
        problem: expect.stringMatching(/^SHA-256 mismatch: manifest [0-9a-f]{64}, file [0-9a-f]{64}$/),
      },
    ]);
  });

  it('fails verify when the check saw a different number of lines than the manifest lists', async () => {
    const { s, manifest, report } = await createdAndChecked(['accounts']);
    const { problems } = await verifyWrittenFiles(s.repository, manifest, report);
    expect(problems).toContainEqual({ file: 'accounts.json', problem: '0 documents, manifest says 5' });
  });
});
