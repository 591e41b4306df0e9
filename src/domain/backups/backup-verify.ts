import { DomainError } from '../errors.js';
import { BackupFileError, type BackupRepository, type WrittenTextReport } from '../ports/backup-repository.port.js';
import type { RawDocument } from '../ports/backup-source.port.js';
import type { IndexSpec } from '../ports/store.port.js';
import { BackupLedgerCheck } from './backup-ledger.check.js';
import {
  MANIFEST_FILE,
  manifestSchema,
  parseMetadata,
  type BackupManifest,
  type ManifestCollection,
} from './backup-manifest.js';
import type { BackupProblem, CollectionCount, ProgressListener } from './backup.types.js';

export const MAX_PROBLEMS = 200;
const LEDGER_COLLECTIONS = new Set(['accounts', 'ledgerEntries', 'processedEvents']);

export interface VerifyOutcome {
  manifest: BackupManifest | null;
  collections: CollectionCount[];
  problems: BackupProblem[];
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Gets what a verify pass reads, in the same read: a restore stages the documents while they are
 * checked instead of reading and decoding every file a second time.
 */
export interface VerifySink {
  /** The collection's metadata parsed (its documents follow); not called when it does not parse. */
  begin(c: ManifestCollection, indexes: IndexSpec[]): Promise<void>;
  /**
   * The documents of the lines that decoded, batch by batch, handed over: the pass decoded them for
   * this call and keeps no reference to them. What this throws stops the pass.
   */
  documents(c: ManifestCollection, docs: RawDocument[]): Promise<void>;
}

/** How a restore refuses a backup that fails verify: the first problems, all of them in the details. */
export function verificationFailed(name: string, problems: readonly BackupProblem[]): DomainError {
  const first = problems.slice(0, 3).map((p) => `${p.file}${p.line ? `:${p.line}` : ''} ${p.problem}`);
  return new DomainError('CONFLICT', `backup ${name} failed verification: ${first.join('; ')}`, {
    problems,
  });
}

/** Reads and checks a backup's manifest; problems say what is wrong with it. */
export async function readManifest(
  repository: BackupRepository,
  name: string,
): Promise<{ manifest: BackupManifest | null; problems: BackupProblem[] }> {
  let raw: unknown;
  try {
    raw = await repository.readJson(name, MANIFEST_FILE);
  } catch (e) {
    return { manifest: null, problems: [{ file: MANIFEST_FILE, problem: describe(e) }] };
  }
  if (raw === null) return { manifest: null, problems: [{ file: MANIFEST_FILE, problem: 'file is missing' }] };
  const r = manifestSchema.safeParse(raw);
  if (!r.success)
    return {
      manifest: null,
      problems: r.error.issues.map((i) => ({ file: MANIFEST_FILE, problem: `${i.path.join('.')}: ${i.message}` })),
    };
  if (r.data.name !== name)
    return { manifest: null, problems: [{ file: MANIFEST_FILE, problem: `describes backup ${r.data.name}` }] };
  return { manifest: r.data, problems: [] };
}

/**
 * Everything `verify` promises: the manifest parses, every file exists with the SHA-256 and size the
 * manifest recorded, every line is one Extended JSON document, the counts match, and the ledger
 * invariants hold inside the backup.
 */
export async function verifyBackupFiles(
  repository: BackupRepository,
  name: string,
  batchSize: number,
  onProgress?: ProgressListener,
): Promise<VerifyOutcome> {
  const { manifest, problems } = await readManifest(repository, name);
  if (!manifest) return { manifest, collections: [], problems };
  return { manifest, ...(await verifyManifestFiles(repository, manifest, batchSize, onProgress)) };
}

/** The checks of `verifyBackupFiles` on a manifest already read; `sink` gets every document read. */
export async function verifyManifestFiles(
  repository: BackupRepository,
  manifest: BackupManifest,
  batchSize: number,
  onProgress?: ProgressListener,
  sink?: VerifySink,
): Promise<Omit<VerifyOutcome, 'manifest'>> {
  const name = manifest.name;
  const problems: BackupProblem[] = [];
  const ledger = new BackupLedgerCheck();
  const collections: CollectionCount[] = [];
  for (const c of manifest.collections) {
    const metadata = await checkMetadata(repository, name, c);
    problems.push(...metadata.problems);
    if (sink && metadata.indexes) await sink.begin(c, metadata.indexes);
    const { count, problems: found } = await checkDocuments(repository, name, c, batchSize, ledger, onProgress, sink);
    problems.push(...found);
    collections.push({ name: c.name, count });
  }
  return { collections, problems: conclude(manifest, problems, () => ledger.finish()) };
}

/**
 * The checks of `verifyManifestFiles` on a backup just written, whose every line was checked while
 * it was written (`report`): only the digests are read back. The files hashing to what the manifest
 * recorded makes them the very text the report checked.
 */
export async function verifyWrittenFiles(
  repository: BackupRepository,
  manifest: BackupManifest,
  report: WrittenTextReport,
): Promise<Omit<VerifyOutcome, 'manifest'>> {
  const problems: BackupProblem[] = [];
  const collections: CollectionCount[] = [];
  for (const c of manifest.collections) {
    problems.push(...(await checkMetadata(repository, manifest.name, c)).problems);
    const checked = report.files[c.file] ?? { lines: 0, problems: [] };
    problems.push(...checked.problems);
    try {
      const digest = await repository.digest(manifest.name, c.file);
      problems.push(...(digest ? digestProblems(c.file, c, digest) : [{ file: c.file, problem: 'file is missing' }]));
    } catch (e) {
      problems.push({ file: c.file, problem: describe(e) });
    }
    if (checked.lines !== c.count)
      problems.push({ file: c.file, problem: `${checked.lines} documents, manifest says ${c.count}` });
    collections.push({ name: c.name, count: checked.lines });
  }
  return { collections, problems: conclude(manifest, problems, () => report.ledger) };
}

/** What every verify adds to the problems of the files: required collections, the ledger, a bound. */
function conclude(manifest: BackupManifest, problems: BackupProblem[], ledger: () => BackupProblem[]): BackupProblem[] {
  const names = new Set(manifest.collections.map((c) => c.name));
  for (const required of ['accounts', 'ledgerEntries'])
    if (!names.has(required)) problems.push({ file: MANIFEST_FILE, problem: `no ${required} collection` });
  // On files already known to be damaged the invariants would only repeat the damage as noise.
  const ledgerFiles = new Set(manifest.collections.filter((c) => LEDGER_COLLECTIONS.has(c.name)).map((c) => c.file));
  if (!problems.some((p) => ledgerFiles.has(p.file))) problems.push(...ledger());
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.splice(MAX_PROBLEMS, more, { file: MANIFEST_FILE, problem: `… and ${more} more problems` });
  }
  return problems;
}

async function checkMetadata(
  repository: BackupRepository,
  name: string,
  c: ManifestCollection,
): Promise<{ problems: BackupProblem[]; indexes: IndexSpec[] | null }> {
  const file = c.metadata.file;
  try {
    const digest = await repository.digest(name, file);
    if (!digest) return { problems: [{ file, problem: 'file is missing' }], indexes: null };
    const problems = digestProblems(file, c.metadata, digest);
    const parsed = parseMetadata(await repository.readJson(name, file), c.name);
    if (typeof parsed === 'string') problems.push({ file, problem: parsed });
    return { problems, indexes: typeof parsed === 'string' ? null : parsed };
  } catch (e) {
    return { problems: [{ file, problem: describe(e) }], indexes: null };
  }
}

function digestProblems(
  file: string,
  expected: { sha256: string; bytes: number },
  actual: { sha256: string; bytes: number },
): BackupProblem[] {
  const out: BackupProblem[] = [];
  if (actual.sha256 !== expected.sha256)
    out.push({ file, problem: `SHA-256 mismatch: manifest ${expected.sha256}, file ${actual.sha256}` });
  if (actual.bytes !== expected.bytes)
    out.push({ file, problem: `size mismatch: manifest ${expected.bytes} bytes, file ${actual.bytes} bytes` });
  return out;
}

async function checkDocuments(
  repository: BackupRepository,
  name: string,
  c: ManifestCollection,
  batchSize: number,
  ledger: BackupLedgerCheck,
  onProgress?: ProgressListener,
  sink?: VerifySink,
): Promise<{ count: number; problems: BackupProblem[] }> {
  const problems: BackupProblem[] = [];
  const reader = repository.readDocuments(name, c.file, batchSize);
  let lines = 0;
  let feeding = false;
  try {
    for await (const batch of reader) {
      const docs: RawDocument[] = [];
      for (const l of batch) {
        lines += 1;
        if (l.error !== undefined) problems.push({ file: c.file, line: l.line, problem: l.error });
        else if (l.doc) {
          ledger.add(c.name, c.file, l.line, l.doc);
          if (sink) docs.push(l.doc);
        }
      }
      onProgress?.({ phase: 'verify', collection: c.name, done: lines, total: c.count });
      if (sink) {
        feeding = true;
        await sink.documents(c, docs);
        feeding = false;
      }
    }
  } catch (e) {
    // The sink's failure (an aborted restore) is not a problem of the backup: it ends the pass.
    if (feeding) throw e;
    const line = e instanceof BackupFileError ? e.line : undefined;
    problems.push({ file: c.file, ...(line !== undefined ? { line } : {}), problem: describe(e) });
    return { count: lines, problems };
  }
  problems.push(...digestProblems(c.file, c, reader.digest()));
  if (lines !== c.count) problems.push({ file: c.file, problem: `${lines} documents, manifest says ${c.count}` });
  return { count: lines, problems };
}
