import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { newObjectIdHex } from '../../../src/store/object-id.js';

describe(newObjectIdHex.name, () => {
  it("gives ObjectIds in MongoDB's layout: 24 lowercase hex digits, now, one process, a rising counter", () => {
    const before = Math.floor(Date.now() / 1000);
    const ids = Array.from({ length: 1000 }, () => newObjectIdHex());
    const after = Math.floor(Date.now() / 1000);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(ObjectId.createFromHexString(id).toHexString()).toBe(id);
      const seconds = ObjectId.createFromHexString(id).getTimestamp().getTime() / 1000;
      expect(seconds).toBeGreaterThanOrEqual(before);
      expect(seconds).toBeLessThanOrEqual(after);
    }
    // The five bytes after the time name the process; the last three count (modulo 2^24).
    expect(new Set(ids.map((id) => id.slice(8, 18))).size).toBe(1);
    const counters = ids.map((id) => parseInt(id.slice(18), 16));
    for (let i = 1; i < counters.length; i += 1) expect(counters[i]).toBe((counters[i - 1]! + 1) % 0x1000000);
  });
});
