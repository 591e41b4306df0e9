import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { SoakSummary } from '../../bench/soak-stats.js';
import { ROOT } from '../helpers/service-process.js';

/** Refusals the mix provokes on purpose (a spend or analysis on an account that ran dry). */
const EXPECTED_REFUSALS = new Set(['INSUFFICIENT_CREDITS']);

/**
 * The soak (bench/soak.ts) for one minute, as `npm run soak -- --minutes 1` runs it: the load in
 * its own process against the service in another. Zero drift, every backup verified, every kind
 * of operation exercised, and no error beyond the refusals the mix provokes.
 */
describe('soak, one minute', () => {
  it('ends with zero drift', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/soak.ts', '--minutes', '1'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const line = /^SOAK_SUMMARY (.*)$/m.exec(out)?.[1];
    expect(line, out).toBeDefined();
    const summary = JSON.parse(line ?? '{}') as SoakSummary;
    console.log(out.replace(/^SOAK_SUMMARY .*$/m, '').trim());

    expect(summary.drift).toEqual([]);
    expect(code).toBe(0);
    expect(summary.backups.taken).toBeGreaterThan(0);
    expect(summary.backups.verified).toBe(summary.backups.taken);
    expect(summary.purchases.granted).toBe(summary.purchases.sessions);
    expect(summary.latency.map((l) => l.op).sort()).toEqual(
      [
        'analysis',
        'backup',
        'backup-verify',
        'checkout',
        'lookup-discord',
        'lookup-me',
        'lookup-support',
        'spend',
        'webhook',
        'webhook-duplicate',
      ].sort(),
    );
    const unexpected = Object.keys(summary.errors).filter((k) => !EXPECTED_REFUSALS.has(k.split(' ')[1] ?? ''));
    expect(unexpected).toEqual([]);
  }, 240_000);
});
