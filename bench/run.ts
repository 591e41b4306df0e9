/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (each is also runnable alone with
 * `npx tsx bench/<name>.bench.ts`), then prints ONE table of all their rows and writes it to
 * bench/results/latest.json. `npm run bench -- http` runs only the benches whose name starts so;
 * arguments after `--` go to every bench (e.g. `-- --seconds=3`, `--profile`).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, type Row } from './lib/rows.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort((a, b) => (a.startsWith('http') ? -1 : b.startsWith('http') ? 1 : a.localeCompare(b)));
const dir = mkdtempSync(join(tmpdir(), 'noi-bench-rows-'));
const rowsFile = join(dir, 'rows.jsonl');
writeFileSync(rowsFile, '');
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, file), ...flags], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_ROWS_FILE: rowsFile },
  });
  if (r.status !== 0) failed += 1;
}
const rows = readFileSync(rowsFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Row);
rmSync(dir, { recursive: true, force: true });
console.log(`\n=== all benches (${new Date().toISOString()}) ===`);
printTable(rows);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), `${JSON.stringify({ rows }, null, 2)}\n`);
if (failed > 0) console.error(`${failed} bench(es) failed`);
process.exit(failed === 0 ? 0 : 1);
