/** Server processes of the HTTP benches: the service as production starts it, and bare Apollo. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Starts a new peak-RSS window (Linux: resets VmHWM); `peakRssMb` reads it. */
  resetPeak(): void;
  peakRssMb(): number | null;
  /** CPU time (user + system) the process has used so far, in µs; null off Linux. */
  cpuUs(): number | null;
  stop(): Promise<void>;
}

/** Waits for the first stdout line `pick` accepts and returns what it found there. */
function spawnServer(command: string, args: string[], env: NodeJS.ProcessEnv, pick: (line: string) => string | null) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  // A bench that dies must not leave its servers running.
  process.once('exit', () => child.kill('SIGKILL'));
  return new Promise<ServerProcess>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const url = pick(line);
      if (url) resolve(wrap(url, child));
    });
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited (${code}) before listening`)));
  });
}

function wrap(url: string, child: ChildProcess): ServerProcess {
  const proc = `/proc/${child.pid}`;
  return {
    url,
    child,
    resetPeak: () => {
      try {
        writeFileSync(`${proc}/clear_refs`, '5');
      } catch {
        // not Linux, or not allowed: the peak then covers the process's whole life
      }
    },
    peakRssMb: () => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`${proc}/status`, 'utf8'))?.[1];
        return kb ? Number(kb) / 1024 : null;
      } catch {
        return null;
      }
    },
    cpuUs: () => {
      try {
        // After the parenthesised command name: state is field 3, utime 14 and stime 15, in clock ticks.
        const fields = readFileSync(`${proc}/stat`, 'utf8')
          .replace(/^.*\) /s, '')
          .split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS_PER_SECOND;
      } catch {
        return null;
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `npm start` without the build step: `node dist/main.js` with the environment given. Without
 * MONGODB_URI it runs on the in-memory engine (the caller passes NODE_ENV; production requires MongoDB).
 */
export function startService(env: Record<string, string>, nodeFlags: string[] = []): Promise<ServerProcess> {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  return spawnServer(process.execPath, [...nodeFlags, 'dist/main.js'], { ...process.env, ...env }, (line) => {
    if (!line.includes('listening on')) return null;
    return (JSON.parse(line) as { url?: string }).url ?? null;
  });
}

export function startBareApollo(): Promise<ServerProcess> {
  return spawnServer(process.execPath, ['--import', 'tsx', 'bench/bare-apollo.server.ts'], process.env, (line) =>
    line.startsWith('{"url"') ? (JSON.parse(line) as { url: string }).url : null,
  );
}
