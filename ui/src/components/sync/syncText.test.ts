import { describe, expect, it } from 'vitest';
import { durationLabel } from './syncText';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('a clock difference in words', () => {
  it('rounds to the minute before splitting hours and minutes', () => {
    expect(durationLabel(3 * HOUR - 200, 'fr'), 'a skew is measured, never exact').toBe('3 h');
    expect(durationLabel(-(HOUR + 20 * MINUTE + 10_000), 'fr')).toBe('1 h 20 min');
    expect(durationLabel(59 * MINUTE + 40_000, 'fr'), 'not "60 min"').toBe('1 h');
    expect(durationLabel(15 * MINUTE, 'en')).toBe('15 min');
    expect(durationLabel(3 * 24 * HOUR, 'en')).toBe('3 days');
  });
});
