import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_MARGIN_MS } from '../../src/main.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';

const GRACE_MS = 1500;
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A Stripe API that takes requests and never answers: the reconcile-stripe job waiting on it is a
 * job that runs longer than any grace period (and ignores its abort signal).
 */
async function silentStripe(): Promise<{ port: number; firstRequest: Promise<IncomingMessage> }> {
  let seen!: (req: IncomingMessage) => void;
  const firstRequest = new Promise<IncomingMessage>((resolve) => (seen = resolve));
  const server: Server = createServer((req) => seen(req));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { port: (server.address() as AddressInfo).port, firstRequest };
}

/** `node dist/main.js` (the jobs role) as Render, Docker or Kubernetes stop it: SIGTERM, then a kill deadline. */
describe('graceful shutdown of the built service', () => {
  it('on SIGTERM interrupts a job still running after SHUTDOWN_GRACE_MS, releases its lease and exits within the bound', async () => {
    const stripe = await silentStripe();
    const dataDir = mkdtempSync(join(tmpdir(), 'noi-shutdown-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const svc: ServiceProcess = await startServiceProcess({
      NODE_ENV: 'development',
      EMBEDDED_MONGO: 'off',
      DATA_DIR: dataDir,
      PROCESS_ROLES: 'api,jobs',
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
      STRIPE_SECRET_KEY: 'sk_test_shutdown',
      STRIPE_WEBHOOK_SECRET: 'whsec_shutdown',
      STRIPE_API_HOST: '127.0.0.1',
      STRIPE_API_PORT: String(stripe.port),
      STRIPE_API_PROTOCOL: 'http',
      RECONCILE_CRON: '* * * * * *',
    });
    cleanups.push(() => void svc.stop('SIGKILL'));

    const request = await stripe.firstRequest; // the job is running now, and will not end by itself
    expect(request.url).toMatch(/^\/v1\/checkout\/sessions/);
    const signalledAt = Date.now();
    svc.child.kill('SIGTERM');
    const code = await svc.exited;
    const tookMs = Date.now() - signalledAt;

    expect(code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(GRACE_MS); // it gave the job its grace period…
    expect(tookMs).toBeLessThan(GRACE_MS + SHUTDOWN_MARGIN_MS); // …and no more than the documented bound
    const out = svc.output();
    expect(out).toMatch(/"job":"reconcile-stripe".*"error":"interrupted: this instance shut down/);
    expect(out).toContain('job reconcile-stripe interrupted by shutdown; lease released');
    expect(out).toContain('stopped cleanly');
    expect(out).toContain('shutting down');
    expect(out.indexOf('shutting down')).toBeLessThan(out.indexOf('interrupted by shutdown'));
  });
});
