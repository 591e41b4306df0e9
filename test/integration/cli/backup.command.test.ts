/**
 * The `backup` CLI command on a real store and backup directory. The CLI process itself refuses the
 * memory engine (test/e2e/backup-cli.test.ts), so here the command gets a context holding one.
 */
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliContext } from '../../helpers/cli-context.js';
import { registerBackupCommand } from '../../../src/cli/commands/backup.command.js';
import { loadConfig } from '../../../src/config.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { buildServices } from '../../../src/services.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { seedLedger, tempDir } from '../../helpers/backup-fixtures.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0)) await c();
});

async function cli() {
  const dir = await tempDir();
  cleanups.push(dir.remove);
  const config = loadConfig({ NODE_ENV: 'test', BACKUP_DIR: dir.path, BACKUP_RETENTION: '1' });
  const store = new MemoryStore();
  await seedLedger(store, { accounts: 4, entriesPerAccount: 3 });
  const logger = new RecordingLogger();
  const stdout: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  let closed = 0;
  const { ctx, printed } = cliContext({
    config,
    logger,
    open: async () => ({
      store,
      services: buildServices({ config, store, clock: systemClock, logger }),
      close: async () => {
        closed += 1;
      },
    }),
  });
  const run = async (...args: string[]) => {
    const program = new Command('noi-credits').exitOverride();
    registerBackupCommand(program, ctx);
    await program.parseAsync(['backup', ...args], { from: 'user' });
  };
  return { dir, store, run, printed, stdout, closed: () => closed };
}

describe('backup command', () => {
  it('creates, lists, verifies, restores and prunes, printing JSON lines with progress', async () => {
    const c = await cli();
    await c.run('create');
    const created = c.printed.at(-1) as { event: string; backup: { name: string; documents: number } };
    // 16 documents of data, plus the run of this very backup (it runs under the backup job's lease).
    expect(created).toMatchObject({ event: 'created', backup: { documents: 17 } });
    const progress = c.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(progress).toContainEqual({
      event: 'progress',
      phase: 'backup',
      collection: 'ledgerEntries',
      done: 12,
      total: 12,
    });

    await c.run('list');
    expect(c.printed.at(-1)).toMatchObject({ event: 'backup', backup: { name: created.backup.name } });

    await c.run('verify', created.backup.name);
    expect(c.printed.at(-1)).toMatchObject({ event: 'verified', verification: { ok: true } });
    expect(process.exitCode).toBeUndefined();

    await c.store.collection('accounts').deleteMany({});
    await c.run('restore', created.backup.name, '--drop');
    expect(c.printed.at(-1)).toMatchObject({ event: 'restored', restore: { drop: true, documents: 17 } });
    expect(await c.store.collection('accounts').count({})).toBe(4);
    expect(await c.store.collection('auditLog').findOne({ action: 'backup.restore' })).toMatchObject({
      actor: { type: 'admin', id: expect.stringMatching(/^cli:/) },
    });

    // A backup on demand is verified and then retention applies (BACKUP_RETENTION=1): the older one goes.
    await c.run('create');
    const newest = (c.printed.at(-1) as { backup: { name: string; lastVerification: unknown } }).backup;
    expect(newest.lastVerification).toMatchObject({ ok: true });
    await c.run('list');
    expect(c.printed.at(-1)).toMatchObject({ event: 'backup', backup: { name: newest.name } });
    await c.run('prune');
    expect(c.printed.at(-1)).toMatchObject({ event: 'pruned', prune: { kept: [newest.name], deleted: [] } });
    // verify reads the files alone: it never opens the database.
    expect(c.closed()).toBe(6);
  });

  it('sets a non-zero exit code when a backup fails verify, and names the problem', async () => {
    const c = await cli();
    await c.run('create');
    const { backup } = c.printed.at(-1) as { backup: { name: string } };
    const file = join(c.dir.path, backup.name, 'accounts.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('active', 'frozen'));
    await c.run('verify', backup.name);
    expect(process.exitCode).toBe(2);
    expect(c.printed.at(-1)).toMatchObject({
      event: 'verified',
      verification: { ok: false, problems: [expect.objectContaining({ file: 'accounts.json' })] },
    });
  });

  it('fails with the domain error when restoring over live data without --drop', async () => {
    const c = await cli();
    await c.run('create');
    const { backup } = c.printed.at(-1) as { backup: { name: string } };
    await expect(c.run('restore', backup.name)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(c.closed()).toBe(2);
  });
});
