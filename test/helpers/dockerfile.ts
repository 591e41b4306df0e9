/**
 * Reads the Dockerfile (the subset it uses) so tests can check it and replay its build steps in a
 * temporary folder: there is no Docker engine on the machines that test this project.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  from: string;
  name: string;
  steps: Instruction[];
}

/** Instructions by stage, with `ARG` defaults substituted and line continuations joined. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const expanded = rest.replace(/\$\{(\w+)\}/g, (m, k: string) => args.get(k) ?? m);
    if (op === 'ARG' && stages.length === 0) {
      const [k = '', v = ''] = expanded.split('=');
      args.set(k, v);
    } else if (op === 'FROM') {
      const [, from = '', name = String(stages.length)] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(expanded) ?? [];
      stages.push({ from, name, steps: [] });
    } else stages.at(-1)?.steps.push({ op, args: expanded });
  }
  return stages;
}

/** `.dockerignore` as a predicate on context-relative paths (patterns, `*`, `!` exceptions). */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/\/$/, '');
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
      return { negate, re };
    });
  return (path) => rules.reduce((ignored, r) => (r.re.test(path) ? !r.negate : ignored), false);
}

export interface ReplayResult {
  /** The final stage's root folder (its WORKDIR holds the app). */
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  log: string[];
}

/**
 * Replays every stage: COPY from the build context (minus .dockerignore) or `--from` an earlier
 * stage, RUN through `sh -c` in the stage's WORKDIR, ENV/WORKDIR/CMD recorded. Each stage gets its
 * own folder under `into`, standing in for the image's filesystem root.
 */
export function replayDockerfile(context: string, into: string, runEnv: NodeJS.ProcessEnv): ReplayResult {
  const stages = parseDockerfile(readFileSync(join(context, 'Dockerfile'), 'utf8'));
  const ignored = dockerIgnore(readFileSync(join(context, '.dockerignore'), 'utf8'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: context,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !ignored(f));
  const roots = new Map<string, string>();
  const log: string[] = [];
  let result: ReplayResult | undefined;
  for (const stage of stages) {
    const root = join(into, stage.name);
    roots.set(stage.name, root);
    let workdir = '/';
    const env: Record<string, string> = {};
    let cmd: string[] = [];
    const at = (p: string) => join(root, posix.resolve(workdir, p));
    for (const { op, args } of stage.steps) {
      if (op === 'WORKDIR') {
        workdir = posix.resolve(workdir, args);
        mkdirSync(at('.'), { recursive: true });
      } else if (op === 'ENV') {
        const [k = '', v = ''] = args.split('=');
        env[k] = v;
      } else if (op === 'CMD') cmd = JSON.parse(args) as string[];
      else if (op === 'COPY') {
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        const dest = paths.pop() ?? '.';
        for (const src of paths) {
          if (from) {
            const fromRoot = roots.get(from);
            if (!fromRoot) throw new Error(`COPY --from=${from}: no such stage`);
            cpSync(join(fromRoot, src), at(dest), { recursive: true, verbatimSymlinks: true });
          } else {
            const selected = files.filter((f) => src === '.' || f === src);
            if (selected.length === 0) throw new Error(`COPY ${src}: not in the build context`);
            for (const f of selected) {
              const target = src === '.' ? join(at(dest), f) : dest.endsWith('/') ? join(at(dest), f) : at(dest);
              mkdirSync(dirname(target), { recursive: true });
              cpSync(join(context, f), target);
            }
          }
        }
      } else if (op === 'RUN') {
        const shell = args.startsWith('[') ? (JSON.parse(args) as string[]).join(' ') : args;
        log.push(`[${stage.name}] RUN ${shell}`);
        execFileSync('sh', ['-c', shell], { cwd: at('.'), env: { ...runEnv, ...env }, stdio: 'pipe' });
      }
    }
    result = { workdir: at('.'), env, cmd, log };
  }
  if (!result) throw new Error('Dockerfile has no stage');
  return { ...result, log };
}
