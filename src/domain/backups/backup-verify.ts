import { BackupFileError, type BackupRepository } from '../ports/backup-repository.port.js';
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
  const ledger = new BackupLedgerCheck();
  const collections: CollectionCount[] = [];
  for (const c of manifest.collections) {
    problems.push(...(await checkMetadata(repository, name, c)));
    const { count, problems: found } = await checkDocuments(repository, name, c, batchSize, ledger, onProgress);
    problems.push(...found);
    collections.push({ name: c.name, count });
  }
  const names = new Set(manifest.collections.map((c) => c.name));
  for (const required of ['accounts', 'ledgerEntries'])
    if (!names.has(required)) problems.push({ file: MANIFEST_FILE, problem: `no ${required} collection` });
  // On files already known to be damaged the invariants would only repeat the damage as noise.
  const ledgerFiles = new Set(manifest.collections.filter((c) => LEDGER_COLLECTIONS.has(c.name)).map((c) => c.file));
  if (!problems.some((p) => ledgerFiles.has(p.file))) problems.push(...ledger.finish());
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.splice(MAX_PROBLEMS, more, { file: MANIFEST_FILE, problem: `… and ${more} more problems` });
  }
  return { manifest, collections, problems };
}

async function checkMetadata(
  repository: BackupRepository,
  name: string,
  c: ManifestCollection,
): Promise<BackupProblem[]> {
  const file = c.metadata.file;
  try {
    const digest = await repository.digest(name, file);
    if (!digest) return [{ file, problem: 'file is missing' }];
    const problems = digestProblems(file, c.metadata, digest);
    const parsed = parseMetadata(await repository.readJson(name, file), c.name);
    if (typeof parsed === 'string') problems.push({ file, problem: parsed });
    return problems;
  } catch (e) {
    return [{ file, problem: describe(e) }];
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
): Promise<{ count: number; problems: BackupProblem[] }> {
  const problems: BackupProblem[] = [];
  const reader = repository.readDocuments(name, c.file, batchSize);
  let lines = 0;
  try {
    for await (const batch of reader) {
      for (const l of batch) {
        lines += 1;
        if (l.error !== undefined) problems.push({ file: c.file, line: l.line, problem: l.error });
        else if (l.doc) ledger.add(c.name, c.file, l.line, l.doc);
      }
      onProgress?.({ phase: 'verify', collection: c.name, done: lines, total: c.count });
    }
  } catch (e) {
    const line = e instanceof BackupFileError ? e.line : undefined;
    problems.push({ file: c.file, ...(line !== undefined ? { line } : {}), problem: describe(e) });
    return { count: lines, problems };
  }
  problems.push(...digestProblems(c.file, c, reader.digest()));
  if (lines !== c.count) problems.push({ file: c.file, problem: `${lines} documents, manifest says ${c.count}` });
  return { count: lines, problems };
}
