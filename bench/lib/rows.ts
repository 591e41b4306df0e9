/**
 * The one result table of `npm run bench`. Each bench process appends its rows (one JSON object a
 * line) to the file named by BENCH_ROWS_FILE, so run.ts can print every bench of one run together
 * and write bench/results/latest.json. Run alone, a bench prints its own rows.
 */
import { appendFileSync } from 'node:fs';

export interface Row {
  operation: string;
  /** Operations per second. */
  rate: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Peak resident memory of the process doing the work, during this leg. */
  peakRssMb: number | null;
  /** What `ratio` divides by, measured in the same run. */
  baseline: string | null;
  ratio: number | null;
}

/**
 * The middle item of a list sorted by the caller: the lower of the two middle ones for an even count.
 * Every bench reports its median round this way, a whole round, so its numbers belong together.
 */
export const middle = <T>(sorted: readonly T[]): T => {
  if (sorted.length === 0) throw new Error('no rounds to take the middle of');
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

export function emit(rows: Row[]): void {
  const file = process.env.BENCH_ROWS_FILE;
  if (file) appendFileSync(file, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  else printTable(rows);
}

const num = (n: number | null, digits = 0): string =>
  n === null ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [
    r.operation,
    num(r.rate),
    num(r.p50Ms, 1),
    num(r.p99Ms, 1),
    num(r.peakRssMb),
    r.baseline ?? '–',
    num(r.ratio, 2),
  ]);
  const head = ['operation', 'rate (/s)', 'p50 ms', 'p99 ms', 'peak RSS MB', 'baseline', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    `| ${c.map((x, i) => (i === 0 || i === 5 ? x.padEnd(widths[i] ?? 0) : x.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(head));
  console.log(
    `|${widths.map((w, i) => (i === 0 || i === 5 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  );
  for (const c of cells) console.log(line(c));
}
