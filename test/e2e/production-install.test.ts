import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayDockerfile, type ReplayResult } from '../helpers/dockerfile.js';

/**
 * The image's build, replayed without Docker: every COPY and RUN of the Dockerfile in a temporary
 * folder (npm ci with dev dependencies, npm run build, npm prune --omit=dev), then the runtime
 * stage's files started with its CMD. Proves production needs no build tool.
 */
const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'noi-image-'));
// Deleting the replayed install (a full node_modules) can outlast the default hook timeout on a busy machine.
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 300_000);

let image: ReplayResult;

function run(env: Record<string, string>): {
  url: Promise<string>;
  exit: Promise<number | null>;
  output: () => string;
  stop(): void;
} {
  const [command = 'node', ...args] = image.cmd;
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: image.workdir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)));
  });
  url.catch(() => undefined);
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { url, exit, output: () => out, stop: () => child.kill('SIGTERM') };
}

describe('production install (the Dockerfile replayed)', () => {
  it('builds with the dev tools, then keeps only production dependencies', () => {
    // npm's cache makes the install fast and offline-friendly; the steps are the Dockerfile's own.
    image = replayDockerfile(root, scratch, { ...process.env, npm_config_prefer_offline: 'true' });
    expect(image.log.join('\n')).toMatch(/npm ci[\s\S]*npm run build[\s\S]*npm prune --omit=dev/);
    expect(image.cmd).toEqual(['node', 'dist/main.js']);
    expect(image.env.NODE_ENV).toBe('production');
    expect(existsSync(join(image.workdir, 'dist/main.js'))).toBe(true);
    for (const dev of ['esbuild', 'tsx', 'typescript', 'vitest', 'mongodb-memory-server-core'])
      expect(existsSync(join(image.workdir, 'node_modules', dev)), dev).toBe(false);
    for (const prod of ['express', 'cors', 'mongoose', 'prom-client'])
      expect(existsSync(join(image.workdir, 'node_modules', prod)), prod).toBe(true);
    expect(existsSync(join(image.workdir, 'src')), 'sources stay in the build stage').toBe(false);
  }, 600_000);

  it('starts with node dist/main.js in development and answers /healthz', async () => {
    const svc = run({ NODE_ENV: 'development', EMBEDDED_MONGO: 'off', DATA_DIR: join(scratch, 'data-dev') });
    try {
      const url = await svc.url;
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok', database: 'memory' });
    } finally {
      svc.stop();
      await svc.exit;
    }
  });

  it('is production with NODE_ENV unset: exits non-zero naming MONGODB_URI', async () => {
    const svc = run({});
    expect(await svc.exit).not.toBe(0);
    expect(svc.output()).toMatch(/MONGODB_URI: required when NODE_ENV=production/);
    expect(svc.output()).not.toContain('listening on');
  });
});
