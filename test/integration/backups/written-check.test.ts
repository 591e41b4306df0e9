/**
 * The check of a backup's text as it is written (on the writer's thread, or on a thread of its own)
 * must find exactly what a verify finds reading the same text back from a file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeDocument as encode } from '../../../src/backups/ejson.codec.js';
import { FsBackupRepository } from '../../../src/backups/fs-backup.repository.js';
import {
  WorkerWrittenCheck,
  writtenCheckFor,
  WORKER_FROM_DOCUMENTS,
} from '../../../src/backups/worker-written.check.js';
import { InlineWrittenCheck } from '../../../src/backups/written-text.js';
import { BackupLedgerCheck } from '../../../src/domain/backups/backup-ledger.check.js';
import type { BackupProblem } from '../../../src/domain/backups/backup.types.js';
import type { WrittenTextCheck } from '../../../src/domain/ports/backup-repository.port.js';
import { ledgerEntry, processedEvent, tempDir } from '../../helpers/backup-fixtures.js';

/** Any fixture document as one line of a backup file. */
const encodeDocument = (doc: object): string => encode(doc as Record<string, unknown>);
const account = (id: string, balance: unknown) => ({ _id: id, subject: id, balance, reserved: 0 });

/** accounts.json and ledgerEntries.json with damaged lines and broken invariants, as written text. */
function damagedFiles(): Record<string, { collection: string; lines: string[] }> {
  return {
    'accounts.json': {
      collection: 'accounts',
      lines: [
        encodeDocument(account('a1', 10)),
        encodeDocument(account('a2', 7)), // its entries sum to 5
        '',
        'not json at all',
        encodeDocument(account('a3', 2.5)),
        '{"balance":{"$numberInt":"1"}}', // no _id
        '[1,2]',
      ],
    },
    'ledgerEntries.json': {
      collection: 'ledgerEntries',
      lines: [
        encodeDocument(ledgerEntry('a1', 0, 10, 10)),
        encodeDocument(ledgerEntry('a2', 0, 5, 5)),
        encodeDocument(ledgerEntry('ghost', 0, 4, 4)), // an account the backup lacks
        '{"_id":{"$oid":"zz"}}', // not an ObjectId
      ],
    },
    'processedEvents.json': {
      collection: 'processedEvents',
      lines: [encodeDocument(processedEvent('evt_1')), encodeDocument(processedEvent('evt_1'))],
    },
  };
}

/** What reading the files back finds: the repository's line problems, then the ledger check. */
async function readBack(root: string, files: ReturnType<typeof damagedFiles>) {
  const repository = new FsBackupRepository(root);
  await mkdir(join(root, 'b'), { recursive: true });
  const ledger = new BackupLedgerCheck();
  const out: Record<string, { lines: number; problems: BackupProblem[] }> = {};
  for (const [file, f] of Object.entries(files)) {
    await writeFile(join(root, 'b', file), `${f.lines.join('\n')}\n`);
    const problems: BackupProblem[] = [];
    let lines = 0;
    for await (const batch of repository.readDocuments('b', file, 3))
      for (const l of batch) {
        lines += 1;
        if (l.error !== undefined) problems.push({ file, line: l.line, problem: l.error });
        else if (l.doc) ledger.add(f.collection, file, l.line, l.doc);
      }
    out[file] = { lines, problems };
  }
  return { files: out, ledger: ledger.finish() };
}

const checks: Array<[string, () => WrittenTextCheck]> = [
  ['on the writer’s thread', () => new InlineWrittenCheck()],
  ['on a thread of its own', () => new WorkerWrittenCheck()],
  // As when the thread is behind: the writer decodes every text of whole lines and sends the lines.
  ['on a thread of its own, fed lines the writer decoded', () => new WorkerWrittenCheck({ textInFlight: 0 })],
];

const open: WrittenTextCheck[] = [];
const dirs: Array<{ remove(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  for (const d of dirs.splice(0)) await d.remove();
});
const start = <C extends WrittenTextCheck>(make: () => C): C => {
  const c = make();
  open.push(c);
  return c;
};

describe.each(checks)('the check of written text %s', (_label, make) => {
  it('finds every problem a read of the same text finds, at the same lines, with the same words', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const files = damagedFiles();
    const check = start(make);
    for (const [file, f] of Object.entries(files)) {
      // Chunks of whole lines of uneven sizes, as the writer sends them.
      for (let at = 0; at < f.lines.length; at += 2)
        await check.add(f.collection, file, `${f.lines.slice(at, at + 2).join('\n')}\n`);
    }
    const report = await check.finish();
    const expected = await readBack(dir.path, files);
    expect(report).toEqual(expected);
    // The fixture really is damaged in every way it means to be.
    expect(report.files['accounts.json']!.problems.map((p) => p.line)).toEqual([3, 4, 6, 7]);
    expect(report.files['ledgerEntries.json']!.problems.map((p) => p.line)).toEqual([4]);
    expect(report.ledger.map((p) => p.problem)).toEqual(
      expect.arrayContaining([
        'account a3: balance is not a whole number',
        'duplicate processed event stripe/evt_1 (first at line 1)',
        'account a2: balance 7 != sum of its ledger entries 5',
        'ledger entries of account ghost, which is missing',
      ]),
    );
  });

  it('counts a last line that has no newline, and a file with no text at all as no lines', async () => {
    const check = start(make);
    await check.add('accounts', 'accounts.json', `${encodeDocument(account('a1', 0))}\n`);
    await check.add('accounts', 'accounts.json', encodeDocument(account('a2', 0)));
    await check.add('ledgerEntries', 'ledgerEntries.json', '');
    const report = await check.finish();
    expect(report.files['accounts.json']).toEqual({ lines: 2, problems: [] });
    expect(report.files['ledgerEntries.json']).toEqual({ lines: 0, problems: [] });
    expect(report.ledger).toEqual([]);
  });

  it('refuses to report once closed, and stays closed', async () => {
    const check = start(make);
    await check.add('accounts', 'accounts.json', `${encodeDocument(account('a1', 0))}\n`);
    await check.close();
    await check.close();
    await check.add('accounts', 'accounts.json', `${encodeDocument(account('a2', 0))}\n`);
    await expect(check.finish()).rejects.toThrow('the check of the written text was closed');
  });
});

describe(WorkerWrittenCheck.name, () => {
  it('decodes on the writer’s thread only texts of whole lines, and the thread takes them in their place', async () => {
    const check = start(() => new WorkerWrittenCheck({ textInFlight: 0 }));
    const doc = (id: string) => encodeDocument(account(id, id === 'a2' ? -1 : 0));
    await check.add('accounts', 'accounts.json', `${doc('a1')}\n`); // whole lines: decoded here
    await check.add('accounts', 'accounts.json', `${doc('a2')}\n${doc('a3')}`); // ends mid-line: sent as text
    await check.add('accounts', 'accounts.json', `\nnot json\n`); // starts mid-line: sent as text
    await check.add('accounts', 'accounts.json', `${doc('a4')}\n[1]\n`); // whole lines again: decoded here
    const report = await check.finish();
    expect(check.decodedByWriter).toBe(2);
    expect(report.files['accounts.json']).toEqual({
      lines: 6,
      problems: [
        {
          file: 'accounts.json',
          line: 4,
          problem: expect.stringMatching(/^not a canonical Extended JSON document \(/),
        },
        { file: 'accounts.json', line: 6, problem: 'not a canonical Extended JSON document (not a JSON document)' },
      ],
    });
    expect(report.ledger).toEqual([
      { file: 'accounts.json', line: 2, problem: 'account a2: negative balance -1' },
      { file: 'accounts.json', line: 2, problem: 'account a2: balance -1 != sum of its ledger entries 0' },
    ]);
  });

  it('when the thread falls behind, the writer decodes chunks itself and the report is the same', async () => {
    const chunks = 200;
    const text = (c: number) => {
      let t = '';
      for (let i = 0; i < 50; i += 1) t += `${encodeDocument(ledgerEntry('a1', c * 50 + i, 1, c * 50 + i + 1))}\n`;
      return t;
    };
    const check = start(() => new WorkerWrittenCheck());
    // Written faster than the thread checks, with no wait for I/O between chunks: the thread (started
    // from source through tsx's loader, tens of milliseconds) is still starting when the first 16
    // chunks (about 2 ms of encoding) are waiting, so the writer must decode some itself.
    for (let c = 0; c < chunks; c += 1) await check.add('ledgerEntries', 'ledgerEntries.json', text(c));
    await check.add('accounts', 'accounts.json', `${encodeDocument(account('a1', chunks * 50 - 1))}\n`);
    const report = await check.finish();
    expect(check.decodedByWriter).toBeGreaterThan(0);
    expect(report.files['ledgerEntries.json']).toEqual({ lines: chunks * 50, problems: [] });
    expect(report.ledger).toEqual([
      {
        file: 'accounts.json',
        line: 1,
        problem: `account a1: balance ${chunks * 50 - 1} != sum of its ledger entries ${chunks * 50}`,
      },
    ]);
  });

  it('checks a text much longer than it lets be in flight, every line once, in order', async () => {
    const check = start(() => new WorkerWrittenCheck());
    let waits = 0;
    const chunks = 200;
    for (let c = 0; c < chunks; c += 1) {
      let text = '';
      for (let i = 0; i < 50; i += 1) text += `${encodeDocument(ledgerEntry('a1', c * 50 + i, 1, c * 50 + i + 1))}\n`;
      const waited = check.add('ledgerEntries', 'ledgerEntries.json', text);
      if (waited) {
        waits += 1;
        await waited;
      }
    }
    await check.add('accounts', 'accounts.json', `${encodeDocument(account('a1', chunks * 50))}\n`);
    const report = await check.finish();
    expect(report.files['ledgerEntries.json']).toEqual({ lines: chunks * 50, problems: [] });
    expect(report.ledger).toEqual([]);
    // The writer was made to wait: the text in flight is bounded, not the whole file.
    expect(waits).toBeGreaterThan(0);
  });
});

describe('writtenCheckFor', () => {
  it('checks small backups on the writer’s thread and big ones on a thread of their own', async () => {
    const small = start(() => writtenCheckFor(WORKER_FROM_DOCUMENTS - 1));
    const big = start(() => writtenCheckFor(WORKER_FROM_DOCUMENTS));
    expect(small).toBeInstanceOf(InlineWrittenCheck);
    expect(big).toBeInstanceOf(WorkerWrittenCheck);
  });
});
