import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/backup-fixtures.js';

/** The built service (dist/) starts the check's thread from its `.js` file, without tsx. */
const root = join(import.meta.dirname, '..', '..');
const script = `
import { WorkerWrittenCheck } from '${pathToFileURL(join(root, 'dist/backups/worker-written.check.js')).href}';
const check = new WorkerWrittenCheck();
await check.add('accounts', 'accounts.json', '{"_id":"a1","balance":{"$numberInt":"3"}}\\nnot json\\n');
await check.add('ledgerEntries', 'ledgerEntries.json', '{"_id":"e1","accountId":"a1","amount":{"$numberInt":"2"}}\\n');
console.log(JSON.stringify(await check.finish()));
await check.close();
`;

const dirs: Array<{ remove(): Promise<void> }> = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await d.remove();
});

describe('the built check of written text', () => {
  it('runs on a worker thread of the built service and reports lines and ledger problems', async () => {
    // A script file, not --eval: a worker thread inherits the process's flags, and --eval's would not fit it.
    const dir = await tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'check.mjs');
    await writeFile(file, script);
    const r = spawnSync(process.execPath, [file], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      files: {
        'accounts.json': {
          lines: 2,
          problems: [
            {
              file: 'accounts.json',
              line: 2,
              problem: expect.stringMatching(/^not a canonical Extended JSON document \(/),
            },
          ],
        },
        'ledgerEntries.json': { lines: 1, problems: [] },
      },
      ledger: [{ file: 'accounts.json', line: 1, problem: 'account a1: balance 3 != sum of its ledger entries 2' }],
    });
  });
});
