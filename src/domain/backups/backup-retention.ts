import { backupNameTime, compareNewestFirst } from './backup-manifest.js';

/** An unfinished backup younger than this may still be being written by another process. */
export const STALE_INCOMPLETE_MS = 24 * 60 * 60 * 1000;

export interface RetentionCandidate {
  name: string;
  verified: boolean;
}

export interface RetentionPlan {
  keep: string[];
  remove: string[];
  spared: string[];
  removeIncomplete: string[];
}

/**
 * Keeps the newest `retention` complete backups. If none of those has passed `verify`, the newest
 * backup that has is kept as well: pruning must never delete the only verified backup.
 */
export function planRetention(
  complete: readonly RetentionCandidate[],
  incomplete: readonly string[],
  retention: number,
  now: Date,
): RetentionPlan {
  const sorted = [...complete].sort((a, b) => compareNewestFirst(a.name, b.name));
  const kept = sorted.slice(0, retention);
  const older = sorted.slice(retention);
  const spared: string[] = [];
  if (!kept.some((b) => b.verified)) {
    const newestVerified = older.find((b) => b.verified);
    if (newestVerified) spared.push(newestVerified.name);
  }
  const removeIncomplete = incomplete.filter((name) => {
    const started = backupNameTime(name);
    return started !== null && now.getTime() - started.getTime() > STALE_INCOMPLETE_MS;
  });
  return {
    keep: kept.map((b) => b.name),
    remove: older.filter((b) => !spared.includes(b.name)).map((b) => b.name),
    spared,
    removeIncomplete,
  };
}
