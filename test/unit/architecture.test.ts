import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The rules of docs/ARCHITECTURE.md that a file listing can check. */
const root = join(import.meta.dirname, '..', '..');
const filesUnder = (dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));

/** True when `a` becomes `b` by changing, adding or removing one character. */
function oneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) return [...a].filter((c, i) => c !== b[i]).length === 1;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return [...long].some((_, i) => long.slice(0, i) + long.slice(i + 1) === short);
}

describe('architecture rules', () => {
  it('names no two source files one letter apart', () => {
    const names = [
      ...new Set([...filesUnder('src'), ...filesUnder('test'), ...filesUnder('bench')].map((f) => basename(f))),
    ];
    const close = names.flatMap((a, i) =>
      names
        .slice(i + 1)
        .filter((b) => oneEditApart(a, b))
        .map((b) => [a, b]),
    );
    expect(close).toEqual([]);
  });

  it('lets only repositories inside src/domain touch collections or write query operators', () => {
    const offenders = filesUnder('src/domain')
      .filter((f) => !f.endsWith('.repository.ts') && !f.includes('/ports/'))
      .filter((f) => {
        const code = readFileSync(join(root, f), 'utf8');
        return (
          /\.collection\(/.test(code) ||
          /[{,]\s*\$(set|inc|unset|setOnInsert|in|nin|exists|regex|lt|lte|gt|gte|ne|eq|or|and)\s*:/.test(code)
        );
      });
    expect(offenders).toEqual([]);
  });

  it('points comments only at files in the repository', () => {
    const outside = [...filesUnder('src'), ...filesUnder('test'), ...filesUnder('bench')].filter((f) =>
      /\b(DESIGN|STYLE)\.md\b|docs\/(operations|payments)\.md/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(outside).toEqual([]);
  });
});
