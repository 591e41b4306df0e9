import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { cliContext } from '../../helpers/cli-context.js';
import { registerTokenCommand } from '../../../src/cli/commands/token.command.js';
import { loadConfig } from '../../../src/config.js';
import { devSecretPath } from '../../../src/graphql/auth/dev-jwt-secret.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const dirs: string[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'noi-token-'));
  dirs.push(d);
  return d;
}

/** Runs `token …` through the real command with a context over the given environment. */
async function runToken(env: Record<string, string>, args: string[]): Promise<Record<string, unknown>> {
  const { ctx, printed } = cliContext({ config: loadConfig(env) });
  const program = new Command().exitOverride();
  registerTokenCommand(program, ctx);
  await program.parseAsync(['token', ...args], { from: 'user' });
  return printed[0]!;
}

describe('token command', () => {
  it('signs, with a development secret it creates once (0600), a token the development server accepts', async () => {
    const dataDir = tempDir();
    const env = { NODE_ENV: 'development', DATA_DIR: dataDir };
    const out = await runToken(env, ['--email', 'Dev@Example.com', '--roles', 'support']);
    expect(out).toMatchObject({ subject: 'dev|dev@example.com', email: 'dev@example.com', roles: ['support'] });
    expect(statSync(devSecretPath({ DATA_DIR: dataDir })).mode & 0o777).toBe(0o600);

    const srv = await startTestServer({ NODE_ENV: 'development', DATA_DIR: dataDir, AUTH_JWT_SECRET: '' });
    servers.push(srv);
    const me = await srv.gqlData<{ me: { email: string } }>('{ me { email } }', {}, String(out.token));
    expect(me.me.email).toBe('dev@example.com');
    const support = await srv.gql('{ accounts { nodes { email } } }', {}, String(out.token));
    expect(support.errors).toBeUndefined();
  });

  it('signs with AUTH_JWT_SECRET, issuer and audience when they are configured', async () => {
    const env = {
      NODE_ENV: 'development',
      DATA_DIR: tempDir(),
      AUTH_JWT_SECRET: 'x'.repeat(40),
      AUTH_JWT_ISSUER: 'https://issuer.test/',
      AUTH_JWT_AUDIENCE: 'noi-api',
    };
    const out = await runToken(env, ['--sub', 'svc-1', '--roles', 'service', '--ttl', '10m']);
    const srv = await startTestServer(env);
    servers.push(srv);
    const customer = await srv.signIn();
    await srv.services.ledger.grant({
      accountId: customer.accountId,
      amount: 2,
      reason: 'r',
      idempotencyKey: 'g',
      actor: { type: 'system', id: 't' },
      source: { type: 'system' },
    });
    const spent = await srv.gqlData<{ spendCredits: { balanceAfter: number } }>(
      'mutation($id: ID!) { spendCredits(accountId: $id, amount: 1, reason: "r", idempotencyKey: "s") { balanceAfter } }',
      { id: customer.accountId },
      String(out.token),
    );
    expect(spent.spendCredits.balanceAfter).toBe(1);
  });

  it('refuses in production', async () => {
    const env = {
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/x',
      AUTH_JWT_SECRET: 'x'.repeat(40),
      DATA_DIR: tempDir(),
    };
    await expect(runToken(env, ['--email', 'a@example.com'])).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses unknown roles and a user token without email', async () => {
    const env = { NODE_ENV: 'development', DATA_DIR: tempDir() };
    await expect(runToken(env, ['--email', 'a@example.com', '--roles', 'root'])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(runToken(env, ['--roles', 'user'])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a person token the server would refuse as too long-lived, and signs roles into AUTH_ROLES_CLAIM', async () => {
    const env = { NODE_ENV: 'development', DATA_DIR: tempDir(), AUTH_ROLES_CLAIM: 'https://noi.example/roles' };
    await expect(runToken(env, ['--email', 'a@example.com', '--ttl', '2d'])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('AUTH_MAX_TOKEN_AGE'),
    });
    const out = await runToken(env, ['--email', 'a@example.com', '--roles', 'support', '--ttl', '1h']);
    const payload = JSON.parse(Buffer.from(String(out.token).split('.')[1]!, 'base64url').toString()) as object;
    expect(payload).toMatchObject({ 'https://noi.example/roles': ['support'] });
  });
});
