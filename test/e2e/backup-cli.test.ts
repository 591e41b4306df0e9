import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm run cli -- backup …` as a process (the built dist/, as operators run it). */
const root = join(import.meta.dirname, '..', '..');
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['dist/cli/main.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', EMBEDDED_MONGO: 'off' },
  });

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
});
