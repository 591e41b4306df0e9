import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm start` as an operator meets it: the built service as a process, talked to over HTTP. */
const root = join(import.meta.dirname, '..', '..');

function start(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  url: Promise<string>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'noi-e2e-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, url, exit };
}

describe('npm start', () => {
  it('answers /healthz and /readyz, states the database, and stops cleanly on SIGTERM', async () => {
    const svc = start({ NODE_ENV: 'development', EMBEDDED_MONGO: 'off' });
    const url = await svc.url;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'memory' });
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    // The built schema (no decorator metadata from esbuild) answers a real query.
    const gql = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ creditPackages { id credits } }' }),
    });
    expect(await gql.json()).toEqual({
      data: {
        creditPackages: [
          { id: 'starter', credits: 10 },
          { id: 'investor', credits: 50 },
          { id: 'portfolio', credits: 200 },
        ],
      },
    });
    expect(svc.output()).toContain('DATA IS NOT PERSISTED');
    expect(svc.output()).toMatch(/"database":"memory"/);
    // One line per role: nothing silently missing.
    expect(svc.output()).toContain('role bot: skipped (DISCORD_TOKEN not set)');
    expect(svc.output()).toContain('reconcile-stripe off: STRIPE_SECRET_KEY not set');
    svc.child.kill('SIGTERM');
    expect(await svc.exit).toBe(0);
    expect(svc.output()).toContain('stopped cleanly');
  });

  it('refuses to start with a bad variable and names it', async () => {
    const svc = start({ PORT: 'eighty' });
    await expect(svc.url).rejects.toThrow(/PORT/);
    expect(await svc.exit).toBe(1);
  });

  it('fails start-up clearly when MONGODB_URI cannot be reached', async () => {
    const svc = start({ NODE_ENV: 'development', MONGODB_URI: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=300' });
    await expect(svc.url).rejects.toThrow(/Start-up failed: .*(ECONNREFUSED|Server selection)/);
    expect(await svc.exit).toBe(1);
  });

  it('is production when NODE_ENV is unset: refuses without MONGODB_URI and names it', async () => {
    const svc = start({ EMBEDDED_MONGO: 'off' });
    await expect(svc.url).rejects.toThrow(/MONGODB_URI: required when NODE_ENV=production \(NODE_ENV is unset/);
    expect(svc.output()).not.toContain('DATA IS NOT PERSISTED');
    expect(await svc.exit).toBe(1);
  });

  it('refuses production without MONGODB_URI', async () => {
    const svc = start({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(40) });
    await expect(svc.url).rejects.toThrow(/MONGODB_URI: required when NODE_ENV=production/);
    expect(await svc.exit).toBe(1);
  });
});
