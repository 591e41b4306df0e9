/**
 * The built service (`dist/main.js`) as its own process, started the way `npm start` starts it:
 * 127.0.0.1, port 0, its own DATA_DIR, configured only through the environment. The URL comes from
 * the "listening on" log line. Used by the e2e journeys and by the soak (bench/soak.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** Enough of the log to explain a failure, without growing for the length of a soak. */
const KEEP_OUTPUT = 200_000;
const START_TIMEOUT_MS = 30_000;

export interface ServiceProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** The tail of stdout + stderr. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resident set size in kB (from /proc), or null once the process is gone. */
  rssKb(): number | null;
  /** SIGTERM (a clean stop) or SIGKILL (a crash); resolves once the process is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
}

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let gone = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      gone = true;
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" within ${START_TIMEOUT_MS} ms:\n${out}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      out = (out + chunk.toString()).slice(-KEEP_OUTPUT);
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code}) before listening:\n${out}`));
    });
  });
  return {
    url,
    pid: child.pid ?? -1,
    child,
    output: () => out,
    exited,
    rssKb: () => {
      if (gone) return null;
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m?.[1] ? Number(m[1]) : null;
      } catch {
        return null;
      }
    },
    stop: (signal = 'SIGTERM') => {
      if (!gone) child.kill(signal);
      return exited;
    },
  };
}
