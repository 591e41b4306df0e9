import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGraphqlSchema } from './schema.js';

export const SCHEMA_FILE = 'schema.graphql';
const HEADER = '# Generated from src/graphql by `npm run schema:print`. Do not edit by hand.\n\n';

/** The SDL of the API, sorted so that the order resolvers are listed in does not matter. */
export async function printGraphqlSchema(): Promise<string> {
  return `${HEADER}${printSchema(lexicographicSortSchema(await buildGraphqlSchema()))}\n`;
}

// `npm run schema:print` writes it to the repository root.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const path = resolve(SCHEMA_FILE);
  writeFileSync(path, await printGraphqlSchema());
  process.stdout.write(`wrote ${path}\n`);
}
