import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';

/** `.env` in the working directory, read by the server and the CLI; the real environment wins. */
const root = join(import.meta.dirname, '..', '..');
const FILE_SECRET = 'from-the-env-file-0123456789abcdef';

function folderWithEnvFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'noi-dotenv-'));
  writeFileSync(
    join(dir, '.env'),
    [
      '# what a developer copies from .env.example',
      'NODE_ENV=development                # inline comments are fine',
      'EMBEDDED_MONGO=off',
      'HOST=127.0.0.1',
      `DATA_DIR=${dir}`,
      `AUTH_JWT_SECRET=${FILE_SECRET}`,
      `CREDIT_PACKAGES='[{"id":"from-file","name":"File","credits":7,"amount":700,"currency":"usd"}]'`,
      'CORS_ORIGINS=https://file.example.com',
      'PORT=1',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('.env', () => {
  it('is read by the server at start-up, under the variables of the real environment', async () => {
    const cwd = folderWithEnvFile();
    const child = spawn(process.execPath, [join(root, 'dist/main.js')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', PORT: '0', CORS_ORIGINS: 'https://env.example.com' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)));
      });
      // PORT=0 from the environment won over PORT=1 from the file (port 1 could not be bound).
      const gql = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ creditPackages { id credits } }' }),
      });
      expect(await gql.json()).toEqual({ data: { creditPackages: [{ id: 'from-file', credits: 7 }] } });
      const allowed = async (origin: string) =>
        (await fetch(`${url}/healthz`, { headers: { origin } })).headers.get('access-control-allow-origin');
      expect(await allowed('https://env.example.com')).toBe('https://env.example.com');
      expect(await allowed('https://file.example.com')).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('is read by the CLI too (NODE_ENV=development from the file lets it mint a dev token)', async () => {
    const cwd = folderWithEnvFile();
    const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'token', '--email', 'dev@example.com'], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { token } = JSON.parse(r.stdout) as { token: string };
    const { payload } = await jwtVerify(token, new TextEncoder().encode(FILE_SECRET));
    expect(payload.email).toBe('dev@example.com');

    const prod = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'token', '--email', 'dev@example.com'], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', MONGODB_URI: 'mongodb://db/noi' },
    });
    expect(prod.status).toBe(1);
    expect(prod.stderr).toMatch(/refused when NODE_ENV=production/);
  });
});
