import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/http/app.js';
import { mountConsole } from '../../../src/http/console.route.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = createHttpApp({ logger: quiet, store: new MemoryStore(), mounts: [mountConsole(dir)] });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe(mountConsole.name, () => {
  const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  let built: Awaited<ReturnType<typeof serve>>;
  let unbuilt: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
    built = await serve(dist);
    unbuilt = await serve(join(dist, 'missing'));
  });
  afterAll(async () => {
    await built.close();
    await unbuilt.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('redirects /console to /console/ and serves the page with a strict CSP', async () => {
    const redirect = await fetch(`${built.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/console/');
    const page = await fetch(`${built.url}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>console</title>');
    expect(page.headers.get('content-security-policy')).toMatch(
      /script-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/,
    );
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves hashed assets as immutable and answers 404 for unknown ones', async () => {
    const asset = await fetch(`${built.url}/console/assets/index-abc.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${built.url}/console/assets/nope.js`)).status).toBe(404);
  });

  it('says how to build the console when it is not built', async () => {
    const res = await fetch(`${unbuilt.url}/console/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
  });
});
