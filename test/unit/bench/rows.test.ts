import { describe, expect, it } from 'vitest';
import { middle } from '../../../bench/lib/rows.js';

describe('middle (the median round every bench reports)', () => {
  it('takes the middle of an odd count, and the lower of the two middles of an even one', () => {
    expect(middle([0.42, 0.5, 0.55])).toBe(0.5);
    expect(middle([0.49, 0.5, 0.51, 3.77])).toBe(0.5);
    expect(middle(['only'])).toBe('only');
  });

  it('refuses an empty list instead of answering undefined', () => {
    expect(() => middle([])).toThrow('no rounds to take the middle of');
  });
});
