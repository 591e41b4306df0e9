import { z } from 'zod';
import { badInput } from '../errors.js';
import type { IndexSpec } from '../ports/store.port.js';
import type { BackupSummary } from './backup.types.js';

/**
 * The on-disk format (README.md "Backups: where and what"): one directory per backup named by its UTC start
 * time, `manifest.json` describing every file, `<collection>.json[.gz]` with one canonical Extended
 * JSON document per line and `<collection>.metadata.json` with the indexes (mongodump's layout).
 */
export const BACKUP_FORMAT = 'noi-credits-backup/1';
export const MANIFEST_FILE = 'manifest.json';
export const VERIFICATION_FILE = 'verification.json';

/**
 * Operational state that must never come back from a backup: a restored lease would block jobs, a
 * restored maintenance switch or restore journal would describe a restore that is not happening.
 */
export const EXCLUDED_COLLECTIONS: ReadonlySet<string> = new Set(['jobLocks', 'maintenance', 'restoreJournal']);

const NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-(\d{1,4}))?$/;
const COLLECTION = /^[A-Za-z][A-Za-z0-9_]{0,119}$/;
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');
const count = z.number().int().min(0);

export const dataFileName = (collection: string, gzip: boolean): string => `${collection}.json${gzip ? '.gz' : ''}`;
export const metadataFileName = (collection: string): string => `${collection}.metadata.json`;

const manifestCollection = z
  .object({
    name: z.string().regex(COLLECTION, 'not a collection name'),
    file: z.string(),
    count,
    sha256,
    bytes: count,
    metadata: z.object({ file: z.string(), sha256, bytes: count }),
  })
  .refine((c) => c.file === dataFileName(c.name, false) || c.file === dataFileName(c.name, true), {
    message: 'file must be <collection>.json or <collection>.json.gz',
    path: ['file'],
  })
  .refine((c) => c.metadata.file === metadataFileName(c.name), {
    message: 'metadata file must be <collection>.metadata.json',
    path: ['metadata', 'file'],
  });

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  name: z.string().regex(NAME),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  database: z.string(),
  engine: z.string(),
  toolVersion: z.string(),
  gzip: z.boolean(),
  collections: z
    .array(manifestCollection)
    .refine((cs) => new Set(cs.map((c) => c.name)).size === cs.length, 'a collection is listed twice'),
});
export type BackupManifest = z.infer<typeof manifestSchema>;
export type ManifestCollection = BackupManifest['collections'][number];

/** `<collection>.metadata.json`, shaped like mongodump's (indexes include `_id_`). */
const metadataSchema = z.object({
  collectionName: z.string(),
  indexes: z.array(
    z.object({
      v: z.number().optional(),
      name: z.string().min(1),
      key: z.record(z.string(), z.union([z.literal(1), z.literal(-1)])),
      unique: z.boolean().optional(),
      sparse: z.boolean().optional(),
      partialFilterExpression: z.record(z.string(), z.unknown()).optional(),
      expireAfterSeconds: z.number().int().min(0).optional(),
      collation: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** The options of an index besides its keys, in mongodump's metadata spelling (the same as IndexSpec's). */
const indexOptions = (ix: Omit<IndexSpec, 'name' | 'keys'>) => ({
  ...(ix.unique ? { unique: true } : {}),
  ...(ix.sparse ? { sparse: true } : {}),
  ...(ix.partialFilterExpression ? { partialFilterExpression: ix.partialFilterExpression } : {}),
  ...(ix.expireAfterSeconds !== undefined ? { expireAfterSeconds: ix.expireAfterSeconds } : {}),
  ...(ix.collation ? { collation: ix.collation } : {}),
});

export function toMetadata(collection: string, indexes: readonly IndexSpec[]): unknown {
  return {
    collectionName: collection,
    indexes: [
      { v: 2, key: { _id: 1 }, name: '_id_' },
      ...indexes.map((ix) => ({
        v: 2,
        key: ix.keys,
        name: ix.name,
        ...indexOptions(ix),
      })),
    ],
  };
}

/** Secondary indexes of a metadata file, or a description of what is wrong with it. */
export function parseMetadata(value: unknown, collection: string): IndexSpec[] | string {
  const r = metadataSchema.safeParse(value);
  if (!r.success) return r.error.issues.map((i) => `${i.path.join('.') || 'metadata'}: ${i.message}`).join('; ');
  if (r.data.collectionName !== collection) return `collectionName is ${r.data.collectionName}, expected ${collection}`;
  return r.data.indexes
    .filter((ix) => ix.name !== '_id_')
    .map((ix) => ({ name: ix.name, keys: ix.key, ...indexOptions(ix) }));
}

/** `2024-05-01T03-00-00-123Z`: sortable, safe in every file system, and says when it was taken. */
export function backupNameFor(at: Date, attempt = 0): string {
  const base = at.toISOString().replace(/:/g, '-').replace('.', '-');
  return attempt === 0 ? base : `${base}-${attempt}`;
}

export const isBackupName = (name: string): boolean => NAME.test(name);

export function assertBackupName(name: string): void {
  if (!isBackupName(name)) throw badInput(`name: not a backup name (like 2024-05-01T03-00-00-000Z)`, { name });
}

/** The UTC time a backup name encodes. */
export function backupNameTime(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
}

/** Newer first: by time, then by collision suffix. */
export function compareNewestFirst(a: string, b: string): number {
  const ta = backupNameTime(a)?.getTime() ?? 0;
  const tb = backupNameTime(b)?.getTime() ?? 0;
  if (ta !== tb) return tb - ta;
  return b.localeCompare(a, 'en', { numeric: true });
}

/** What `list` shows of a backup. */
export function summarizeManifest(
  manifest: BackupManifest,
  lastVerification: BackupSummary['lastVerification'],
): BackupSummary {
  const collections = manifest.collections.map((c) => ({ name: c.name, count: c.count, bytes: c.bytes }));
  return {
    name: manifest.name,
    createdAt: new Date(manifest.createdAt),
    completedAt: new Date(manifest.completedAt),
    database: manifest.database,
    engine: manifest.engine,
    toolVersion: manifest.toolVersion,
    gzip: manifest.gzip,
    collections,
    documents: collections.reduce((n, c) => n + c.count, 0),
    bytes: collections.reduce((n, c) => n + c.bytes, 0),
    lastVerification,
  };
}
