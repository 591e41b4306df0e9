import mongoose, { type Connection } from 'mongoose';
import type { CollectionName } from '../../domain/ports/documents.js';
import { INDEXES } from '../../domain/ports/indexes.js';
import { toIndexDescription } from './index-options.js';

/** What start-up needs of a model; the operations themselves go through the native driver. */
interface AnyModel {
  createCollection(): Promise<unknown>;
  createIndexes(): Promise<unknown>;
}

/**
 * One mongoose model per collection, carrying the indexes of `INDEXES`. Documents keep string ids;
 * the schemas are permissive (`strict: false`) because the Store port, not mongoose, shapes data.
 */
export function registerModels(conn: Connection): Map<CollectionName, AnyModel> {
  const models = new Map<CollectionName, AnyModel>();
  for (const [name, specs] of Object.entries(INDEXES) as [CollectionName, (typeof INDEXES)[CollectionName]][]) {
    const schema = new mongoose.Schema(
      { _id: { type: String, required: true } },
      { strict: false, collection: name, autoIndex: false, autoCreate: false, versionKey: false },
    );
    for (const spec of specs) {
      const { key, ...options } = toIndexDescription(spec);
      schema.index(key as Record<string, 1 | -1>, options);
    }
    models.set(name, conn.model(name, schema) as unknown as AnyModel);
  }
  return models;
}

/** Collections must exist before a transaction writes to them; indexes before any write at all. */
export async function ensureCollectionsAndIndexes(models: Map<CollectionName, AnyModel>): Promise<void> {
  for (const model of models.values()) {
    await model.createCollection().catch((e: { codeName?: string }) => {
      if (e.codeName !== 'NamespaceExists') throw e;
    });
    await model.createIndexes();
  }
}
