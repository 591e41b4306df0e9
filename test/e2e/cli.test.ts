import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The operator CLI run as a process, as `npm run cli -- …` runs it. */
const root = join(import.meta.dirname, '..', '..');
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['dist/cli/main.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', EMBEDDED_MONGO: 'off', ...env },
  });

describe('npm run cli', () => {
  it('lists its commands', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('verify-ledger');
  });

  it('explains that the in-memory data lives inside the server when no database is configured', () => {
    const r = cli(['verify-ledger']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/CONFIGURATION.*data lives inside the running server process.*MONGODB_URI/s);
  });

  it('fails with a non-zero exit and a clear message on an unknown command', () => {
    const r = cli(['frobnicate']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown command/);
  });
});
