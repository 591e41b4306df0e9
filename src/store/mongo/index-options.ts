import type { Document, IndexDescription } from 'mongodb';
import type { IndexSpec } from '../../domain/ports/store.port.js';

/**
 * IndexSpec ⇄ MongoDB index documents. Every option that changes what an index accepts or deletes
 * (unique, sparse, partialFilterExpression, expireAfterSeconds, collation) survives a backup and a
 * restore; a restored TTL or partial unique index that lost its option would delete or refuse data.
 */
export function toIndexSpec(ix: Document): IndexSpec {
  return {
    name: String(ix.name),
    keys: ix.key as IndexSpec['keys'],
    ...(ix.unique ? { unique: true } : {}),
    ...(ix.sparse ? { sparse: true } : {}),
    ...(ix.partialFilterExpression ? { partialFilterExpression: ix.partialFilterExpression as Document } : {}),
    ...(typeof ix.expireAfterSeconds === 'number' ? { expireAfterSeconds: ix.expireAfterSeconds } : {}),
    ...(ix.collation ? { collation: stripCollationDefaults(ix.collation as Document) } : {}),
  };
}

export function toIndexDescription(spec: IndexSpec): IndexDescription {
  return {
    key: spec.keys,
    name: spec.name,
    unique: spec.unique ?? false,
    sparse: spec.sparse ?? false,
    ...(spec.partialFilterExpression ? { partialFilterExpression: spec.partialFilterExpression } : {}),
    ...(spec.expireAfterSeconds !== undefined ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
    ...(spec.collation ? { collation: spec.collation as unknown as IndexDescription['collation'] } : {}),
  };
}

/**
 * listIndexes reports a collation with every field filled in (strength, caseLevel, version…); the
 * locale and the fields the backup's author set are what matter, and the filled-in form is
 * accepted back by createIndexes unchanged, so nothing is dropped here except the ICU version.
 */
function stripCollationDefaults(collation: Document): Document {
  const { version: _version, ...rest } = collation;
  return rest;
}
