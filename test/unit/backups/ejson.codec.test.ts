import { EJSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodeDocument, encodeDocument } from '../../../src/backups/ejson.codec.js';

/** Strings the encoder's quick quoting must leave to JSON.stringify, and some it may quote itself. */
const STRINGS = [
  '',
  'plain id-0001',
  'a "quoted" word',
  'back\\slash',
  'line\nbreak',
  'tab\tand\rreturn',
  'nul \u0000 and unit separator \u001f',
  'delete \u007f and line separator \u2028',
  'lone high surrogate \ud800',
  'lone low surrogate \udc00',
  'paired surrogates 😀',
  'accents é ü and ∑',
  '</script>',
];

describe('canonical Extended JSON codec', () => {
  it.each(STRINGS)('writes string values and field names exactly as JSON.stringify quotes them: %j', (s) => {
    const line = encodeDocument({ _id: s, [s]: s, nested: { [s]: [s] } });
    const q = JSON.stringify(s);
    expect(line).toBe(`{"_id":${q},${q}:${q},"nested":{${q}:[${q}]}}`);
    expect(decodeDocument(line)).toEqual({ _id: s, [s]: s, nested: { [s]: [s] } });
  });

  it('writes every field name right, however many different names it has seen', () => {
    const doc: Record<string, unknown> = { _id: 'many' };
    for (let i = 0; i < 12_000; i++) doc[`field "${i}"`] = i;
    const line = encodeDocument(doc);
    expect(JSON.parse(line)).toEqual(EJSON.serialize(doc, { relaxed: false }));
    expect(decodeDocument(line)).toEqual(doc);
  });

  it('keeps numbers, dates and BSON values through a round trip, as before', () => {
    const doc = {
      _id: 'types',
      int: 5,
      negative: -1,
      double: 1.5,
      big: 2 ** 40,
      zero: -0,
      at: new Date(0),
      list: [1, 'a'],
    };
    const line = encodeDocument(doc);
    expect(line).toContain('"int":{"$numberInt":"5"}');
    expect(line).toContain('"big":{"$numberDouble":"1099511627776.0"}');
    expect(line).toContain('"at":{"$date":{"$numberLong":"0"}}');
    const back = decodeDocument(line);
    expect(back).toEqual(doc);
    expect(Object.is(back.zero, -0)).toBe(true);
  });
});
