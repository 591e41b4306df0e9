/**
 * Backup, verify and restore of N ledger entries on the memory engine: documents/s of each, the
 * peak RSS each adds over the process's baseline (it must not grow with N: everything streams in
 * batches), and in the same run the rate of bare `EJSON.stringify` of the same documents. A create
 * is its write pass, then a full verify of what it wrote, then retention: the write pass is also
 * measured by itself.
 *
 * `npx tsx bench/backup.bench.ts [N…] [--rounds=R]` (default 250000 1000000, 3 rounds). Each N runs
 * in its own child process (`--expose-gc`), so one size's garbage cannot inflate the other's peak.
 * The baseline, the write pass, create and verify run R times in alternation, and each round's
 * ratio divides by the baseline of that round: a change of load on the (shared) machine then weighs
 * on both sides of a ratio, and the median round is what is reported. Restore runs once (it needs
 * the seeded data released first), against the median baseline. `--profile` runs each child under
 * `--cpu-prof` and prints the top frames (self time) of each measured phase (of the median round).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EJSON } from 'bson';
import { encodeDocument } from '../src/backups/ejson.codec.js';
import { FsBackupRepository } from '../src/backups/fs-backup.repository.js';
import { writtenCheckFor } from '../src/backups/worker-written.check.js';
import { MANIFEST_FILE } from '../src/domain/backups/backup-manifest.js';
import { writeCollections } from '../src/domain/backups/backup-write.js';
import { BackupService } from '../src/domain/backups/backup.service.js';
import type { ReadonlyDocument } from '../src/domain/ports/backup-source.port.js';
import { systemClock } from '../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../src/store/memory/memory.store.js';
import { seedLedger } from '../test/helpers/backup-fixtures.js';
import { nowUs, readProfile, topFrames, type ProfileWindow } from './lib/profile.js';
import { emit, middle, type Row } from './lib/rows.js';

const ACCOUNTS = 10_000;
const MB = 1024 * 1024;

interface Phase {
  docsPerSecond: number;
  seconds: number;
  /** Highest RSS seen during the phase minus RSS right before it (after a full GC). */
  peakRssGrowthMb: number;
  beforeRssMb: number;
  /**
   * Highest live memory (V8 heap + buffers, sampled right after a forced GC every 100 batches, in a
   * second, untimed pass) minus the same before the phase: what the operation really holds, without
   * the garbage V8 lets pile up in proportion to the size of the whole heap.
   */
  retainedMb: number;
  /**
   * User + system CPU time of the child per document during the timed pass: other work on the
   * machine moves it far less than it moves the wall-clock rate.
   */
  cpuUsPerDoc: number;
  /**
   * The part of it on the main thread (Linux: its own counters in /proc; null elsewhere): a create
   * checks its text on a thread of its own, so the process's CPU is no longer its critical path.
   */
  mainCpuUsPerDoc: number | null;
  /** When the timed pass ran, to read its frames out of the child's CPU profile. */
  window: ProfileWindow;
}
/** Each round's ratio to that round's baseline, lowest to highest. */
interface Rounds {
  write: number[];
  create: number[];
  verify: number[];
}
interface ChildResult {
  entries: number;
  rounds: Rounds;
  documents: number;
  baselineRssMb: number;
  ejsonStringify: Phase;
  ourEncoder: Phase;
  /** The create's write pass alone (`backup` is the whole create: write, verify, retention). */
  write: Phase;
  backup: Phase;
  verify: Phase;
  restore: Phase & { restoredDataMb: number };
  /**
   * Live memory a snapshot of the memory engine holds by itself (its list of the documents, one
   * reference each, for as long as the snapshot is open): part of what create holds.
   */
  snapshotMb: number;
  backupBytes: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const rss = (): number => process.memoryUsage.rss();
const live = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/**
 * A forced GC, a turn of the event loop, and another: memory that one collection finds dead but
 * frees only through finalizers run after it (external memory of strings and buffers) is free by
 * then. Read after one GC alone, the live memory at the end of a create still counted some 28 MB
 * of such garbage in some runs and not in others, at any size.
 */
async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

/** Second pass of a phase: live memory after a forced GC every 100 progress callbacks. */
async function retained(fn: (sample: () => void) => Promise<unknown>): Promise<{ peakMb: number; afterMb: number }> {
  await settle();
  const before = live();
  let peak = before;
  let calls = 0;
  await fn(() => {
    calls += 1;
    if (calls % 100 !== 0) return;
    gc();
    peak = Math.max(peak, live());
  });
  await settle();
  const after = live();
  return { peakMb: (Math.max(peak, after) - before) / MB, afterMb: (after - before) / MB };
}

/** CPU time (µs) of the main thread alone, from its own entry under /proc/self/task; null if unreadable. */
function mainThreadCpuUs(): number | null {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks.
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
/** Linux's USER_HZ, the unit of /proc's CPU times, on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** Runs `fn`, sampling RSS on a timer and at every progress callback. */
async function measure(count: number, fn: (sample: () => void) => Promise<unknown>): Promise<Phase> {
  gc();
  const before = rss();
  let peak = before;
  const sample = (): void => {
    const now = rss();
    if (now > peak) peak = now;
  };
  const timer = setInterval(sample, 10);
  const startUs = nowUs();
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const mainBefore = mainThreadCpuUs();
  await fn(sample);
  const cpu = process.cpuUsage(cpuBefore);
  const mainAfter = mainThreadCpuUs();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const window = { startUs, endUs: nowUs() };
  clearInterval(timer);
  sample();
  return {
    docsPerSecond: count / seconds,
    seconds,
    peakRssGrowthMb: (peak - before) / MB,
    beforeRssMb: before / MB,
    retainedMb: 0,
    cpuUsPerDoc: (cpu.user + cpu.system) / count,
    mainCpuUsPerDoc: mainBefore === null || mainAfter === null ? null : (mainAfter - mainBefore) / count,
    window,
  };
}

/** Every document of a snapshot, read the way a backup's write pass reads them. */
async function snapshotDocs(store: MemoryStore, each: (doc: ReadonlyDocument) => void): Promise<number> {
  let n = 0;
  await store.readSnapshot(async (reader) => {
    for (const name of await reader.collections())
      for await (const batch of reader.documents(name, 1000, 'read-only'))
        for (const doc of batch) {
          each(doc);
          n += 1;
        }
  });
  return n;
}

async function child(entries: number, roundCount: number): Promise<ChildResult> {
  const dir = await mkdtemp(join(tmpdir(), 'noi-backup-bench-'));
  try {
    let store: MemoryStore | null = new MemoryStore();
    await seedLedger(store, {
      accounts: ACCOUNTS,
      entriesPerAccount: Math.ceil(entries / ACCOUNTS),
      batchSize: 10_000,
    });
    gc();
    const baselineRssMb = rss() / MB;
    const repository = new FsBackupRepository(dir);
    const service = (s: MemoryStore) =>
      new BackupService({
        store: s,
        repository,
        clock: systemClock,
        toolVersion: 'bench',
        batchSize: 1000,
        writtenCheck: writtenCheckFor,
      });

    // Bare serialisation of the very documents the backup writes (same snapshot reader, no I/O).
    let chars = 0;
    const documents = await snapshotDocs(store, (d) => (chars += encodeDocument(d).length)); // also warms up
    const ejsonPass = () =>
      measure(documents, () => snapshotDocs(store!, (d) => (chars += EJSON.stringify(d, { relaxed: false }).length)));
    const ours = await measure(documents, () => snapshotDocs(store!, (d) => (chars += encodeDocument(d).length)));

    // The create's write pass by itself, through the code create runs (`writeCollections` from one
    // snapshot into a writer of the same repository, then the manifest and the commit), without the
    // verify of what it wrote and without retention. In a directory of its own, so that create's
    // retention never sees these backups.
    const passes = new FsBackupRepository(join(dir, 'write-pass'));
    const writePass = (round: number) =>
      measure(documents, async (sample) => {
        const writer = await passes.begin(`write-pass-${round}`);
        const { collections } = await store!.readSnapshot((reader) =>
          writeCollections(reader, writer, {
            gzip: false,
            batchSize: 1000,
            onProgress: sample,
            clock: systemClock,
            startedAt: new Date(),
          }),
        );
        await writer.writeJson(MANIFEST_FILE, { collections });
        await writer.commit();
      });

    let name = '';
    let backupBytes = 0;
    const createOnce = () =>
      measure(documents, async (sample) => {
        const created = await service(store!).create({ onProgress: sample });
        name = created.name;
        backupBytes = created.bytes;
      });
    const verifyOnce = async (sample: () => void) => {
      const v = await service(store!).verify({ name, onProgress: sample });
      if (!v.ok) throw new Error(`verify failed: ${JSON.stringify(v.problems.slice(0, 3))}`);
    };

    const rounds: Array<{ ejson: Phase; write: Phase; backup: Phase; verify: Phase }> = [];
    for (let round = 0; round < roundCount; round++) {
      const ejson = await ejsonPass();
      const write = await writePass(round);
      const backup = await createOnce();
      const verify = await measure(documents, verifyOnce);
      rounds.push({ ejson, write, backup, verify });
    }
    const ratio = (p: Phase, r: { ejson: Phase }): number => p.docsPerSecond / r.ejson.docsPerSecond;
    /** The phase of the round whose ratio is the median; its peak RSS is the highest of any round. */
    const median = (pick: (r: (typeof rounds)[number]) => Phase): { phase: Phase; ratios: number[] } => {
      const sorted = [...rounds].sort((a, b) => ratio(pick(a), a) - ratio(pick(b), b));
      const phase = {
        ...pick(middle(sorted)),
        peakRssGrowthMb: Math.max(...rounds.map((r) => pick(r).peakRssGrowthMb)),
      };
      return { phase, ratios: sorted.map((r) => ratio(pick(r), r)) };
    };
    const w = median((r) => r.write);
    const b = median((r) => r.backup);
    const v = median((r) => r.verify);
    const ejson = middle(rounds.map((r) => r.ejson).sort((x, y) => x.docsPerSecond - y.docsPerSecond));
    const write = w.phase;
    const backup = b.phase;
    const verify = v.phase;
    backup.retainedMb = (await retained((sample) => service(store!).create({ onProgress: sample }))).peakMb;
    verify.retainedMb = (await retained(verifyOnce)).peakMb;
    await settle();
    const liveBefore = live();
    const snapshotMb = await store.readSnapshot(async (reader) => {
      await settle();
      const held = (live() - liveBefore) / MB;
      await reader.count('ledgerEntries'); // holds the snapshot open until measured
      return held;
    });

    // Restore into an empty engine (the seeded one is released first): the staging tables *are*
    // the restored data, so what restore itself holds is the peak minus the data it leaves behind.
    store = null;
    gc();
    const restore = await measure(documents, (sample) =>
      service(new MemoryStore()).restore({ name, drop: true, onProgress: sample }),
    );
    gc();
    const restoredDataMb = rss() / MB - restore.beforeRssMb;
    const target = new MemoryStore(); // referenced until measured: its data is what restore leaves behind
    const kept = await retained((sample) => service(target).restore({ name, drop: true, onProgress: sample }));
    restore.retainedMb = kept.peakMb - kept.afterMb;
    await target.close();
    return {
      entries,
      rounds: { write: w.ratios, create: b.ratios, verify: v.ratios },
      documents,
      baselineRssMb,
      ejsonStringify: ejson,
      ourEncoder: ours,
      write,
      backup,
      verify,
      restore: { ...restore, restoredDataMb },
      snapshotMb,
      backupBytes,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The median round's ratio of a phase (each round divides by its own baseline; sorted). */
const ratioOf = (r: ChildResult, phase: keyof Rounds): number => middle(r.rounds[phase]);

const phasesOf = (r: ChildResult): Phase[] => [r.write, r.backup, r.verify, r.restore];
const cpuPerDoc = (r: ChildResult): string =>
  phasesOf(r)
    .map((p) => fmt(p.cpuUsPerDoc, 1))
    .join(' / ');
const mainCpuPerDoc = (r: ChildResult): string =>
  phasesOf(r)
    .map((p) => (p.mainCpuUsPerDoc === null ? '–' : fmt(p.mainCpuUsPerDoc, 1)))
    .join(' / ');
const cpuRatios = (r: ChildResult): string =>
  phasesOf(r)
    .map((p) => fmt(r.ejsonStringify.cpuUsPerDoc / p.cpuUsPerDoc, 2))
    .join(' / ');

function report(results: ChildResult[]): void {
  const rows: Array<[string, (r: ChildResult) => string]> = [
    ['documents (ledger entries + accounts + …)', (r) => fmt(r.documents)],
    ['backup size on disk (MB)', (r) => fmt(r.backupBytes / MB)],
    ['baseline RSS with the data loaded (MB)', (r) => fmt(r.baselineRssMb)],
    ['bare EJSON.stringify (docs/s)', (r) => fmt(r.ejsonStringify.docsPerSecond)],
    ['our canonical encoder alone (docs/s)', (r) => fmt(r.ourEncoder.docsPerSecond)],
    ["backup write, the create's write pass (docs/s)", (r) => fmt(r.write.docsPerSecond)],
    ['backup create = write + verify of it + retention (docs/s)', (r) => fmt(r.backup.docsPerSecond)],
    ['backup verify (docs/s)', (r) => fmt(r.verify.docsPerSecond)],
    ['backup restore (docs/s)', (r) => fmt(r.restore.docsPerSecond)],
    ['ratio write pass / EJSON.stringify, median round', (r) => fmt(ratioOf(r, 'write'), 2)],
    ['  each round', (r) => r.rounds.write.map((x) => fmt(x, 2)).join(' ')],
    ['ratio create / EJSON.stringify, median round', (r) => fmt(ratioOf(r, 'create'), 2)],
    ['  each round', (r) => r.rounds.create.map((x) => fmt(x, 2)).join(' ')],
    ['ratio verify / EJSON.stringify, median round', (r) => fmt(ratioOf(r, 'verify'), 2)],
    ['  each round', (r) => r.rounds.verify.map((x) => fmt(x, 2)).join(' ')],
    [
      'ratio restore / EJSON.stringify (median baseline)',
      (r) => fmt(r.restore.docsPerSecond / r.ejsonStringify.docsPerSecond, 2),
    ],
    ['CPU per document: EJSON.stringify (µs)', (r) => fmt(r.ejsonStringify.cpuUsPerDoc, 2)],
    ['CPU per document: write pass / create / verify / restore (µs)', (r) => cpuPerDoc(r)],
    ['  of which on the main thread (µs)', (r) => mainCpuPerDoc(r)],
    ['ratio by CPU time, same order, to EJSON.stringify', (r) => cpuRatios(r)],
    ['peak RSS growth during the write pass (MB)', (r) => fmt(r.write.peakRssGrowthMb)],
    ['peak RSS growth during create (MB)', (r) => fmt(r.backup.peakRssGrowthMb)],
    ['peak RSS growth during verify (MB)', (r) => fmt(r.verify.peakRssGrowthMb)],
    ['peak RSS growth during restore (MB)', (r) => fmt(r.restore.peakRssGrowthMb)],
    ['  of which the restored data itself (MB)', (r) => fmt(r.restore.restoredDataMb)],
    ['peak live memory held by create (MB)', (r) => fmt(r.backup.retainedMb, 1)],
    ["  of which the memory engine's snapshot, one reference a document (MB)", (r) => fmt(r.snapshotMb, 1)],
    ['peak live memory held by verify (MB)', (r) => fmt(r.verify.retainedMb, 1)],
    ['peak live memory held by restore, data excluded (MB)', (r) => fmt(r.restore.retainedMb, 1)],
  ];
  const head = ['', ...results.map((r) => `${fmt(r.entries)} entries`)];
  const width = Math.max(...rows.map(([l]) => l.length));
  const cells = rows.map(([label, get]) => [label, ...results.map((r) => get(r))]);
  const column = Math.max(20, ...cells.flatMap((c) => c.slice(1).map((v) => v.length + 3)));
  console.log(head.map((h, i) => (i === 0 ? h.padEnd(width) : h.padStart(column))).join(''));
  for (const [label, ...values] of cells)
    console.log((label ?? '').padEnd(width) + values.map((v) => v.padStart(column)).join(''));
}

/**
 * Node names a profile `CPU.<date>.<time>.<pid>.<thread id>.<n>.cpuprofile`; the main thread is 0.
 * A create's check runs on worker threads, each of which writes a profile of its own.
 */
const profileThread = (file: string): number => Number(file.split('.').at(-3));

/** Top self-time frames of each timed phase, read out of the child's main-thread CPU profile. */
function printProfile(r: ChildResult, dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const file = files.find((f) => profileThread(f) === 0);
  if (!file) return;
  const cpu = readProfile(join(dir, file));
  console.log(`CPU profile of ${fmt(r.entries)} entries: ${join(dir, file)}`);
  const phases: Array<[string, Phase]> = [
    ['bare EJSON.stringify', r.ejsonStringify],
    ["backup write (the create's write pass)", r.write],
    ['backup create', r.backup],
    ['backup verify', r.verify],
    ['backup restore', r.restore],
  ];
  for (const [label, p] of phases) {
    console.log(`top frames (self time), ${label}:`);
    for (const line of topFrames(cpu, 12, p.window)) console.log(`  ${line}`);
  }
  for (const worker of files.filter((f) => profileThread(f) !== 0)) {
    console.log(`top frames (self time), the worker thread of a create's check (${worker}):`);
    for (const line of topFrames(readProfile(join(dir, worker)), 12)) console.log(`  ${line}`);
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    process.stdout.write(`${JSON.stringify(await child(Number(args[1]), Number(args[2])))}\n`);
    return;
  }
  const given = args.filter((a) => !a.startsWith('--')).map(Number);
  const sizes = given.length > 0 ? given : [250_000, 1_000_000];
  const profile = args.includes('--profile');
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a whole number of at least 1');
  const results: ChildResult[] = [];
  for (const n of sizes) {
    console.log(`running ${fmt(n)} ledger entries…`);
    const profileDir = profile ? mkdtempSync(join(tmpdir(), 'noi-backup-profile-')) : '';
    const r = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=8192',
        ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        String(n),
        String(rounds),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * MB },
    );
    if (r.status !== 0) throw new Error(`child for ${n} failed with status ${r.status}`);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
    results.push(result);
    if (profile) printProfile(result, profileDir);
  }
  report(results);
  const rows: Row[] = [];
  for (const r of results) {
    const n = `${fmt(r.entries)} entries`;
    const baseline = `bare EJSON.stringify, ${n}`;
    const row = (op: string, p: Phase, ratio: number): Row => ({
      operation: `backup ${op}, ${n} (peak RSS = growth)`,
      rate: p.docsPerSecond,
      p50Ms: null,
      p99Ms: null,
      peakRssMb: p.peakRssGrowthMb,
      baseline,
      ratio,
    });
    rows.push(
      {
        operation: baseline,
        rate: r.ejsonStringify.docsPerSecond,
        p50Ms: null,
        p99Ms: null,
        peakRssMb: null,
        baseline: null,
        ratio: null,
      },
      row("write (the create's write pass)", r.write, ratioOf(r, 'write')),
      row('create (write + verify of what it wrote + retention)', r.backup, ratioOf(r, 'create')),
      row('verify', r.verify, ratioOf(r, 'verify')),
      row('restore', r.restore, r.restore.docsPerSecond / r.ejsonStringify.docsPerSecond),
    );
  }
  emit(rows);
}

await main();
