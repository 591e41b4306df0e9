import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printGraphqlSchema, SCHEMA_FILE } from '../../../src/graphql/schema-print.js';

describe('schema.graphql', () => {
  it('matches the schema built from the resolvers (run `npm run schema:print` after changing them)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printGraphqlSchema());
  });
});
