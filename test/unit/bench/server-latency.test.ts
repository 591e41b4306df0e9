import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { quantileBoundMs, readHistogram } from '../../../bench/lib/server-latency.js';
import { createMetrics } from '../../../src/http/metrics.js';

let server: Server | undefined;
afterEach(() => server?.close());

/** Serves a registry's exposition text as the service's /metrics does. */
async function serve(registry: Registry): Promise<string> {
  server = createServer((_req, res) => {
    void registry.metrics().then((text) => res.end(text));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the HTTP bench reading the service latency histogram', () => {
  it('reports the bucket of a quantile from the requests observed between two readings only', async () => {
    const { registry, httpDuration } = createMetrics();
    const url = await serve(registry);
    // Before the leg: slow requests on the same route, which must not count.
    for (let i = 0; i < 50; i += 1) httpDuration.observe({ method: 'POST', route: '/graphql', status: '200' }, 0.4);
    const before = await readHistogram(url);
    // The leg: 98 fast, 2 slow (status series are summed), and other routes that must be ignored.
    for (let i = 0; i < 98; i += 1) httpDuration.observe({ method: 'POST', route: '/graphql', status: '200' }, 0.003);
    for (let i = 0; i < 2; i += 1) httpDuration.observe({ method: 'POST', route: '/graphql', status: '400' }, 0.02);
    httpDuration.observe({ method: 'GET', route: '/metrics', status: '200' }, 3);
    const after = await readHistogram(url);

    expect(quantileBoundMs(before, after, '/graphql', 0.5)).toEqual({ boundMs: 5, requests: 100 });
    expect(quantileBoundMs(before, after, '/graphql', 0.98)).toEqual({ boundMs: 5, requests: 100 });
    expect(quantileBoundMs(before, after, '/graphql', 0.99)).toEqual({ boundMs: 25, requests: 100 });
    expect(quantileBoundMs(before, after, '/webhooks/stripe', 0.99)).toBeNull();
  });

  it('answers Infinity when the quantile lies beyond the last bound, and null without requests', async () => {
    const registry = new Registry();
    const h = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'h',
      labelNames: ['route'],
      buckets: [0.01],
      registers: [registry],
    });
    const url = await serve(registry);
    const before = await readHistogram(url);
    expect(quantileBoundMs(before, before, '/graphql', 0.5)).toBeNull();
    h.observe({ route: '/graphql' }, 5);
    expect(quantileBoundMs(before, await readHistogram(url), '/graphql', 0.5)).toEqual({
      boundMs: Infinity,
      requests: 1,
    });
  });
});
