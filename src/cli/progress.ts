import cliProgress from 'cli-progress';
import type { BackupProgress, ProgressListener } from '../domain/backups/backup.types.js';

export interface CliProgress {
  listener: ProgressListener;
  stop(): void;
}

/**
 * Progress of a long operator command: one bar per collection on a terminal (on stderr, so stdout
 * stays the result), JSON lines otherwise — at most one per collection per second, plus one when
 * a collection is done, so a log collector is not flooded.
 */
export function createProgress(
  tty: boolean,
  writeLine: (line: string) => void,
  stream: NodeJS.WritableStream = process.stderr,
): CliProgress {
  if (tty) {
    const bars = new cliProgress.MultiBar(
      { format: ' {phase} {collection} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: false, stream },
      cliProgress.Presets.shades_classic,
    );
    const byKey = new Map<string, cliProgress.SingleBar>();
    return {
      listener: (p: BackupProgress) => {
        const key = `${p.phase}:${p.collection}`;
        let bar = byKey.get(key);
        if (!bar)
          byKey.set(key, (bar = bars.create(p.total, 0, { phase: p.phase.padEnd(7), collection: p.collection })));
        bar.setTotal(Math.max(p.total, p.done));
        bar.update(p.done);
      },
      stop: () => bars.stop(),
    };
  }
  const last = new Map<string, number>();
  return {
    listener: (p: BackupProgress) => {
      const key = `${p.phase}:${p.collection}`;
      const now = Date.now();
      if (p.done < p.total && now - (last.get(key) ?? 0) < 1000) return;
      last.set(key, now);
      writeLine(JSON.stringify({ event: 'progress', ...p }));
    },
    stop: () => undefined,
  };
}
