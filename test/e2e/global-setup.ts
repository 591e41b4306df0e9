import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** e2e tests run the built service (`dist/`), exactly as `npm start` does: build it once. */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
}
