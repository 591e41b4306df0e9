import { readFileSync } from 'node:fs';

/** `name version` of this package, as recorded in backup manifests (works from src/ and dist/). */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name && pkg.version) return `${pkg.name} ${pkg.version}`;
    } catch {
      /* try the next location */
    }
  }
  return 'noi-credits unknown';
}

export const TOOL_VERSION = readVersion();
