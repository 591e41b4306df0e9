import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../../src/graphql/schema-print.js';

// Loaded by path so the server's type check does not pull in the browser code (it has its own).
const DOCUMENTS = join(import.meta.dirname, '..', '..', '..', 'console', 'src', 'api', 'documents.ts');

describe('support console GraphQL documents', () => {
  it('are all valid against schema.graphql', async () => {
    const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
    const docs = Object.entries((await import(DOCUMENTS)) as Record<string, unknown>).filter(
      (e): e is [string, { query: string }] => typeof (e[1] as { query?: unknown }).query === 'string',
    );
    expect(docs.length).toBeGreaterThan(15);
    for (const [name, doc] of docs) {
      const errors = validate(schema, parse(doc.query)).map((e) => e.message);
      expect({ name, errors }).toEqual({ name, errors: [] });
    }
  });
});
