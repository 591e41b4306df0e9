/** Latency and error bookkeeping of the soak, and its printed summary. */

export interface OpStats {
  count: number;
  latenciesMs: number[];
}

export class SoakStats {
  readonly ops = new Map<string, OpStats>();
  /** `<operation> <code>` → count (GraphQL extensions.code, HTTP status, or NETWORK). */
  readonly errors = new Map<string, number>();
  shed = 0;

  record(op: string, ms: number): void {
    const s = this.ops.get(op) ?? { count: 0, latenciesMs: [] };
    s.count += 1;
    s.latenciesMs.push(ms);
    this.ops.set(op, s);
  }

  error(op: string, code: string): void {
    const k = `${op} ${code}`;
    this.errors.set(k, (this.errors.get(k) ?? 0) + 1);
  }

  latencyTable(): Array<{ op: string; count: number; p50: number; p99: number; max: number }> {
    return [...this.ops.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, s]) => {
        const sorted = [...s.latenciesMs].sort((a, b) => a - b);
        return { op, count: s.count, p50: pct(sorted, 50), p99: pct(sorted, 99), max: Math.round(sorted.at(-1) ?? 0) };
      });
  }
}

const pct = (sorted: number[], p: number): number =>
  Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);

export interface SoakSummary {
  minutes: number;
  rate: number;
  operations: number;
  shed: number;
  latency: ReturnType<SoakStats['latencyTable']>;
  errors: Record<string, number>;
  rssMb: { start: number; middle: number; end: number };
  /** V8 heap in use (from GET /metrics): what the data and any leak hold, without allocator slack. */
  heapUsedMb: { start: number | null; middle: number | null; end: number | null };
  ledger: { accounts: number; entries: number };
  purchases: { sessions: number; granted: number; creditsExpected: number; creditsInLedger: number };
  backups: { taken: number; verified: number };
  drift: string[];
}

export function printSummary(s: SoakSummary): void {
  const line = (t = ''): void => void process.stdout.write(`${t}\n`);
  line(`\n=== soak: ${s.minutes} min at ${s.rate} ops/s — ${s.operations} operations (${s.shed} shed) ===`);
  line('operation            count   p50 ms   p99 ms   max ms');
  for (const r of s.latency)
    line(
      `${r.op.padEnd(20)} ${String(r.count).padStart(5)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)} ${String(r.max).padStart(8)}`,
    );
  const errors = Object.entries(s.errors);
  line(
    `errors by operation and code: ${errors.length === 0 ? 'none' : errors.map(([k, n]) => `${k} ×${n}`).join(', ')}`,
  );
  line(`server RSS MB: start ${s.rssMb.start}, middle ${s.rssMb.middle}, end ${s.rssMb.end}`);
  const h = s.heapUsedMb;
  line(`server heap used MB: start ${h.start ?? '?'}, middle ${h.middle ?? '?'}, end ${h.end ?? '?'}`);
  line(`ledger: ${s.ledger.accounts} accounts, ${s.ledger.entries} entries`);
  const p = s.purchases;
  line(
    `purchases: ${p.sessions} paid sessions, ${p.granted} grants; credits expected ${p.creditsExpected}, in ledger ${p.creditsInLedger}`,
  );
  line(`backups: ${s.backups.taken} taken, ${s.backups.verified} verified`);
  line(s.drift.length === 0 ? 'drift: 0' : `DRIFT (${s.drift.length}):\n  ${s.drift.join('\n  ')}`);
  // One machine-readable line for scripts and the e2e test that runs the soak.
  line(`SOAK_SUMMARY ${JSON.stringify(s)}`);
}
