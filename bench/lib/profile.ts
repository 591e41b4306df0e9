/** The heaviest functions of a V8 CPU profile (`node --cpu-prof`) by self time. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  startTime: number;
  timeDeltas: number[];
}

/**
 * A span of the profiled process's run, in µs of the monotonic clock. V8 stamps its samples with
 * the same clock as `process.hrtime` (CLOCK_MONOTONIC on Linux), so the bench, another process,
 * can mark when each leg ran and read each leg's frames out of the one profile.
 */
export interface ProfileWindow {
  startUs: number;
  endUs: number;
}

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function topFrames(profile: CpuProfile, count: number, window?: ProfileWindow): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let at = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.startUs || at > window.endUs)) return;
    total += 1;
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const where = f.url
      ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|src)\//, '$1/')}:${f.lineNumber + 1}`
      : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + 1);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([k, n]) => `${((100 * n) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${k}`);
}
