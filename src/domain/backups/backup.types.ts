import type { Actor } from '../ports/documents.js';

export interface CollectionCount {
  name: string;
  count: number;
}

/** One backup as `list` shows it (only complete backups are listed). */
export interface BackupSummary {
  name: string;
  createdAt: Date;
  completedAt: Date;
  database: string;
  engine: string;
  toolVersion: string;
  gzip: boolean;
  collections: Array<CollectionCount & { bytes: number }>;
  documents: number;
  bytes: number;
  /** Outcome of the last `verify` of this backup, if any. */
  lastVerification: { at: Date; ok: boolean } | null;
}

/** Something wrong inside a backup, located as precisely as possible. */
export interface BackupProblem {
  file: string;
  line?: number;
  problem: string;
}

export interface BackupVerification {
  name: string;
  ok: boolean;
  checkedAt: Date;
  collections: CollectionCount[];
  problems: BackupProblem[];
}

export interface RestoreSummary {
  name: string;
  drop: boolean;
  restoredAt: Date;
  collections: CollectionCount[];
  documents: number;
}

export interface PruneSummary {
  retention: number;
  kept: string[];
  deleted: string[];
  /** Older than the retention window but kept: the only verified backup. */
  spared: string[];
  /** Unfinished `<name>.tmp` directories older than a day (a crashed or killed backup). */
  removedIncomplete: string[];
}

export interface ScheduledBackupSummary {
  backup: BackupSummary;
  verification: BackupVerification;
  prune: PruneSummary;
}

export interface BackupProgress {
  phase: 'backup' | 'verify' | 'restore';
  collection: string;
  done: number;
  total: number;
}
export type ProgressListener = (progress: BackupProgress) => void;

export interface CreateBackupInput {
  onProgress?: ProgressListener;
}

export interface VerifyBackupInput {
  name: string;
  onProgress?: ProgressListener;
}

export interface RestoreBackupInput {
  name: string;
  /** Replace collections that hold data; without it a restore only goes into empty collections. */
  drop: boolean;
  actor?: Actor;
  onProgress?: ProgressListener;
}
