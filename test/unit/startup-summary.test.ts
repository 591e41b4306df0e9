import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startupSummary } from '../../src/startup-summary.js';

const config = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });
const facts = { url: 'http://127.0.0.1:4000', jobs: ['backup', 'verify-ledger'] };
const messages = (env: Record<string, string>) => startupSummary(config(env), facts).map((l) => l.message);

describe(startupSummary.name, () => {
  it('says why the bot and the reconcile job do not run without their keys', () => {
    expect(messages({})).toEqual([
      'role api: running on http://127.0.0.1:4000',
      'role bot: skipped (DISCORD_TOKEN not set)',
      'role jobs: running backup, verify-ledger; reconcile-stripe off: STRIPE_SECRET_KEY not set',
      'alerts: log only (set DISCORD_ALERT_WEBHOOK_URL or DISCORD_ALERT_CHANNEL_ID to reach on-call)',
    ]);
  });

  it('names the roles left out by PROCESS_ROLES and the bot running on its token', () => {
    const lines = startupSummary(
      config({
        PROCESS_ROLES: 'bot,jobs',
        DISCORD_TOKEN: 't',
        STRIPE_SECRET_KEY: 'sk_test_1',
        STRIPE_WEBHOOK_SECRET: 'whsec_1',
      }),
      facts,
    );
    expect(lines.map((l) => [l.role, l.status])).toEqual([
      ['api', 'skipped'],
      ['bot', 'running'],
      ['jobs', 'running'],
      ['alerts', 'partial'],
    ]);
    expect(lines[0]?.message).toBe('role api: skipped (not in PROCESS_ROLES=bot,jobs)');
    expect(lines[2]?.message).toBe('role jobs: running backup, verify-ledger');
  });

  it('reports the interactions endpoint alone when only DISCORD_PUBLIC_KEY is set', () => {
    expect(messages({ DISCORD_PUBLIC_KEY: 'a'.repeat(64) })[1]).toMatch(/POST \/discord\/interactions only/);
  });
});
