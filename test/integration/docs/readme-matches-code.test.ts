import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'type-graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSchema as parseSdl, type GraphQLSchema } from 'graphql';
import { ERROR_CODES } from '../../../src/domain/errors.js';
import { GRAPHQL_ERROR_CODES } from '../../../src/graphql/error-map.js';
import { buildGraphqlSchema } from '../../../src/graphql/schema.js';

/** README.md promises what the code does: operations, who may call them, error codes. */
const root = join(import.meta.dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const sdl: GraphQLSchema = parseSdl(readFileSync(join(root, 'schema.graphql'), 'utf8'));
const operations = new Set([
  ...Object.keys(sdl.getQueryType()?.getFields() ?? {}),
  ...Object.keys(sdl.getMutationType()?.getFields() ?? {}),
]);
const ticks = (text: string): string[] => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
const section = (title: string): string => {
  const start = readme.indexOf(title);
  if (start < 0) throw new Error(`README has no "${title}" section`);
  const next = readme.slice(start + title.length).search(/\n#{2,3} /);
  return readme.slice(start, next < 0 ? undefined : start + title.length + next);
};

const ROLES = ['anonymous', 'user', 'support', 'admin', 'service'] as const;
type Role = (typeof ROLES)[number];

/** Who may call each root field, from the resolvers' @Authorized decorators. */
function rolesFromCode(): Map<Role, Set<string>> {
  const authorized = new Map(
    getMetadataStorage().authorizedFields.map((a) => [a.fieldName, a.roles as string[]] as const),
  );
  const may = new Map<Role, Set<string>>(ROLES.map((r) => [r, new Set<string>()]));
  for (const op of operations) {
    const roles = authorized.get(op);
    for (const role of ROLES) {
      const allowed = roles === undefined ? true : role !== 'anonymous' && (roles.length === 0 || roles.includes(role));
      if (allowed) may.get(role)!.add(op);
    }
  }
  return may;
}

/** The README's roles table: named operations, plus "everything <role> may" rows inherit. */
function rolesFromReadme(): Map<Role, Set<string>> {
  const rows = new Map<Role, string>();
  for (const line of section('### Roles').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const role = cells[1]?.replace(/`/g, '') as Role | undefined;
    if (role && (ROLES as readonly string[]).includes(role)) rows.set(role, cells[2] ?? '');
  }
  const resolved = new Map<Role, Set<string>>();
  const resolve = (role: Role): Set<string> => {
    const known = resolved.get(role);
    if (known) return known;
    const text = rows.get(role) ?? '';
    const set = new Set(ticks(text).filter((t) => /^[a-z][A-Za-z]+$/.test(t) && !ROLES.includes(t as Role)));
    const inherits = /everything (?:a |an )?(\w+) may/.exec(text)?.[1] as Role | undefined;
    if (inherits) for (const op of resolve(inherits)) set.add(op);
    resolved.set(role, set);
    return set;
  };
  for (const role of ROLES) resolve(role);
  return resolved;
}

describe('README.md', () => {
  beforeAll(async () => {
    await buildGraphqlSchema(); // registers the resolvers' metadata
  });

  it('names only operations the schema has, in the roles table', () => {
    for (const [role, ops] of rolesFromReadme())
      for (const op of ops)
        expect(operations.has(op), `README roles table, ${role}: \`${op}\` is not in schema.graphql`).toBe(true);
  });

  it('lists, for every role, exactly the operations the resolvers let it call', () => {
    const readmeRoles = rolesFromReadme();
    for (const [role, expected] of rolesFromCode()) {
      const listed = readmeRoles.get(role) ?? new Set();
      expect([...listed].sort(), `README roles table, row ${role} (from the @Authorized decorators)`).toEqual(
        [...expected].sort(),
      );
    }
  });

  it('documents exactly the GraphQL error codes the error map answers with', () => {
    const table = ticks(section('### Errors'))
      .filter((t) => /^[A-Z][A-Z_]+$/.test(t))
      .filter((t) => (GRAPHQL_ERROR_CODES as readonly string[]).includes(t) || ERROR_CODES.includes(t as never));
    expect(new Set(table)).toEqual(new Set(GRAPHQL_ERROR_CODES));
  });

  it('never promises an API client a domain-only code (the API translates those)', () => {
    const domainOnly = ERROR_CODES.filter((c) => !(GRAPHQL_ERROR_CODES as readonly string[]).includes(c));
    const apiSections = readme.split(/\n(?=## )/).filter((s) => !s.startsWith('## Credit ledger'));
    for (const text of apiSections)
      for (const code of domainOnly)
        expect(ticks(text), `README section "${text.split('\n')[0]}" names \`${code}\``).not.toContain(code);
    // The one place that lists the domain codes lists all of them, and only them.
    const ledger = ticks(section('## Credit ledger')).filter((t) => /^[A-Z][A-Z_]+$/.test(t));
    for (const code of ERROR_CODES) expect(ledger).toContain(code);
  });

  it('keeps the first-screen commands', () => {
    expect(readme).toMatch(/^npm ci && npm start\s+#/m);
    expect(readme).toMatch(/^npm test\s+#/m);
  });
});
