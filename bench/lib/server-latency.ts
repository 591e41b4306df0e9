/**
 * The service's own latency over one leg, read from its `http_request_duration_seconds` histogram
 * on /metrics before and after: time from the request reaching the server to the answer written,
 * without the wait in the load generator's queue that a 64-connection client p99 mostly measures
 * (bench/README.md, "Latency"). Only bucket bounds are known, so a quantile is reported as "at most
 * the bound of the bucket it falls in".
 */

/** Cumulative request counts by bucket bound (seconds; Infinity for +Inf), summed over one route's series. */
export type Buckets = Map<number, number>;

const LINE = /^http_request_duration_seconds_bucket\{([^}]*)\} (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/;

/** Reads the service's histogram once; routes are the matched route patterns (`/graphql`, …). */
export async function readHistogram(serviceUrl: string): Promise<Map<string, Buckets>> {
  const res = await fetch(`${serviceUrl}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  const out = new Map<string, Buckets>();
  for (const line of (await res.text()).split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    const route = labels.route ?? '';
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    const buckets = out.get(route) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    out.set(route, buckets);
  }
  return out;
}

/**
 * The bound (ms) of the bucket holding quantile `q` of the requests to `route` observed between
 * the two readings; null when there were none.
 */
export function quantileBoundMs(before: Map<string, Buckets>, after: Map<string, Buckets>, route: string, q: number) {
  const a = after.get(route);
  if (!a) return null;
  const b = before.get(route);
  const bounds = [...a.keys()].sort((x, y) => x - y);
  const delta = bounds.map((le) => (a.get(le) ?? 0) - (b?.get(le) ?? 0));
  const total = delta[delta.length - 1] ?? 0;
  if (total <= 0) return null;
  const i = delta.findIndex((n) => n >= q * total);
  return { boundMs: (bounds[i] ?? Infinity) * 1000, requests: total };
}
