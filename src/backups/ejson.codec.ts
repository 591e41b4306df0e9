import { EJSON } from 'bson';
import type { DocumentLine } from '../domain/ports/backup-repository.port.js';

/**
 * Canonical Extended JSON (the format of `mongoexport --jsonFormat=canonical` and `mongoimport`),
 * one document per call, without the second pass `EJSON.stringify` makes over every document.
 *
 * Two deliberate choices keep types exact through a round trip:
 * - a JS number is written the way the MongoDB driver stores it: `$numberInt` when it is an int32,
 *   otherwise `$numberDouble` (EJSON.stringify writes big integers as `$numberLong`, which would
 *   come back as a Long — a different type than the double the database holds);
 * - on the way back `$numberInt` / `$numberDouble` become plain numbers (as the driver returns
 *   them), while `$numberLong`, `$numberDecimal`, `$oid`, `$date`, `$binary`… become their BSON
 *   classes.
 */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const quote = JSON.stringify;

function encodeNumber(n: number): string {
  if (Object.is(n, -0)) return '{"$numberDouble":"-0.0"}';
  if (Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX) return `{"$numberInt":"${n}"}`;
  return `{"$numberDouble":"${Number.isInteger(n) ? n.toFixed(1) : String(n)}"}`;
}

/**
 * Strings of nothing but characters JSON.stringify leaves alone: not `"`, backslash, controls
 * (below U+0020) or surrogates (a lone one is escaped; strings holding a pair are rare enough to
 * take the slow path too). Most strings (ids, kinds, reasons) are such: quoting them is then a
 * concatenation.
 */
const PLAIN = /^[ !#-[\]-\ud7ff\ue000-\uffff]*$/;
const encodeString = (s: string): string => (PLAIN.test(s) ? `"${s}"` : quote(s));

/**
 * `"key":` of each field name. A collection has a handful of field names repeated in every
 * document, so quoting them once saves most of the encoder's work; the bound keeps documents
 * with data in their keys (maps keyed by id) from growing it without limit.
 */
const KEY_CACHE_LIMIT = 10_000;
const quotedKeys = new Map<string, string>();
function encodeKey(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = `${quote(key)}:`;
    if (quotedKeys.size < KEY_CACHE_LIMIT) quotedKeys.set(key, q);
  }
  return q;
}

const skipped = (v: unknown): boolean => v === undefined || typeof v === 'function' || typeof v === 'symbol';

function encodeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return encodeString(v);
    case 'number':
      return encodeNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return `{"$numberLong":"${v}"}`;
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + (skipped(v[i]) ? 'null' : encodeValue(v[i]));
        return `${out}]`;
      }
      if (v instanceof Date) {
        const t = v.getTime();
        if (Number.isNaN(t)) throw new Error('cannot encode an invalid Date');
        return `{"$date":{"$numberLong":"${t}"}}`;
      }
      if (typeof (v as { _bsontype?: unknown })._bsontype === 'string')
        return quote(EJSON.serialize(v, { relaxed: false }));
      let out = '{';
      let first = true;
      for (const key in v) {
        const x = (v as Record<string, unknown>)[key];
        if (skipped(x)) continue;
        out += (first ? '' : ',') + encodeKey(key) + encodeValue(x);
        first = false;
      }
      return `${out}}`;
    }
    default:
      return 'null';
  }
}

export function encodeDocument(doc: Record<string, unknown>): string {
  return encodeValue(doc);
}

/** Type wrappers of Extended JSON v2 handed to the bson package. */
const WRAPPERS = new Set([
  '$oid',
  '$numberLong',
  '$numberDecimal',
  '$binary',
  '$uuid',
  '$timestamp',
  '$regularExpression',
  '$symbol',
  '$code',
  '$minKey',
  '$maxKey',
  '$dbPointer',
  '$undefined',
]);

function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = decodeValue(v[i]);
    return v;
  }
  const obj = v as Record<string, unknown>;
  for (const key in obj) {
    if (key.charCodeAt(0) !== 36) break; // '$': only a first key that starts so can mark a wrapper
    if (key === '$numberInt' || key === '$numberDouble') return Number(obj[key]);
    if (key === '$date') return decodeDate(obj.$date);
    if (WRAPPERS.has(key)) return EJSON.deserialize(obj, { relaxed: false });
    break;
  }
  for (const key in obj) {
    const x = obj[key];
    if (x === null || typeof x !== 'object') continue;
    const decoded = decodeValue(x);
    if (decoded === x) continue;
    if (key === '__proto__') Object.defineProperty(obj, key, { value: decoded, enumerable: true, writable: true });
    else obj[key] = decoded;
  }
  return obj;
}

function decodeDate(d: unknown): Date {
  const ms =
    d !== null && typeof d === 'object' ? Number((d as { $numberLong?: unknown }).$numberLong) : (d as string | number);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) throw new Error(`invalid $date ${JSON.stringify(d)}`);
  return date;
}

/** Parses one line; throws with a short reason when it is not one Extended JSON document. */
export function decodeDocument(line: string): Record<string, unknown> {
  const parsed = JSON.parse(line) as unknown;
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON document');
  const doc = decodeValue(parsed) as Record<string, unknown>;
  if (!('_id' in doc)) throw new Error('document has no _id');
  return doc;
}

/** One line of a collection file (numbered from 1): its document, or why it is not one. */
export function decodeLine(text: string, line: number): DocumentLine {
  if (text === '') return { line, error: 'empty line' };
  try {
    return { line, doc: decodeDocument(text) };
  } catch (e) {
    return { line, error: `not a canonical Extended JSON document (${(e as Error).message})` };
  }
}
