import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { cliContext } from '../../helpers/cli-context.js';
import { registerDevCommand } from '../../../src/cli/commands/dev.command.js';
import { loadConfig } from '../../../src/config.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function devPurchase(env: Record<string, string>, args: string[]): Promise<Record<string, unknown>> {
  const { ctx, printed } = cliContext({ config: loadConfig(env) });
  const program = new Command().exitOverride();
  registerDevCommand(program, ctx);
  await program.parseAsync(['dev', 'purchase', ...args], { from: 'user' });
  return printed[0]!;
}

describe('dev purchase command', () => {
  it('grants a package through the signed webhook of the running development server, once per run', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'noi-devbuy-'));
    // Development with nothing configured: generated JWT and webhook secrets shared through DATA_DIR.
    const srv = await startTestServer({ NODE_ENV: 'development', DATA_DIR: dataDir, AUTH_JWT_SECRET: '' });
    servers.push(srv);
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir };
    const out = await devPurchase(env, ['--email', 'Buyer@Example.com', '--package', 'investor', '--url', srv.url]);
    expect(out).toMatchObject({ package: 'investor', credits: 50, balance: 50, webhook: { status: 'processed' } });
    const again = await devPurchase(env, ['--email', 'buyer@example.com', '--package', 'starter', '--url', srv.url]);
    expect(again).toMatchObject({ balance: 60, accountId: out.accountId });

    const entries = await srv.store.collection('ledgerEntries').find({ accountId: String(out.accountId) });
    expect(entries.map((e) => [e.kind, e.amount]).sort()).toEqual([
      ['purchase', 10],
      ['purchase', 50],
    ]);
    const purchase = await srv.store.collection('purchases').findOne({ checkoutSessionId: String(out.sessionId) });
    expect(purchase).toMatchObject({ status: 'paid', packageId: 'investor', creditsGranted: 50 });
  });

  it('refuses outside development and names unknown packages, changing nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'noi-devbuy-'));
    await expect(
      devPurchase({ NODE_ENV: 'test', DATA_DIR: dataDir }, ['--email', 'a@example.com', '--package', 'starter']),
    ).rejects.toThrow(/only when NODE_ENV=development/);
    await expect(
      devPurchase({ NODE_ENV: 'development', DATA_DIR: dataDir }, ['--email', 'a@example.com', '--package', 'gold']),
    ).rejects.toThrow(/--package: unknown "gold"; use starter, investor, portfolio/);
  });
});
