import { describe, expect, it } from 'vitest';
import { ScannerDetector } from './scanner';

const key = (k: string, mods: Partial<KeyboardEvent> = {}) => ({ key: k, ctrlKey: false, altKey: false, metaKey: false, ...mods }) as KeyboardEvent;

function typed(text: string, gap: number, start = 1000): [ScannerDetector, number] {
  const d = new ScannerDetector();
  let at = start;
  [...text].forEach((c, i) => {
    d.key(key(c), i === 0, at);
    at += gap;
  });
  return [d, at - gap];
}

describe('telling a scanner from a person', () => {
  it('takes a burst of characters followed at once by Enter for a scan', () => {
    const [d, last] = typed('TCK-000123', 8);
    expect(d.scanned('TCK-000123', last + 10)).toBe(true);
  });

  it('does not take a person typing, a late Enter or a too short entry for one', () => {
    const [person, last] = typed('TCK-000123', 120);
    expect(person.scanned('TCK-000123', last + 10)).toBe(false);
    const [late, end] = typed('TCK-000123', 8);
    expect(late.scanned('TCK-000123', end + 500)).toBe(false);
    const [short, at] = typed('abc', 5);
    expect(short.scanned('abc', at + 5)).toBe(false);
  });

  it('ignores shortcuts and starts again on a new entry', () => {
    const [d, last] = typed('TCK-000123', 8);
    d.key(key('z', { ctrlKey: true }), false, last + 500);
    expect(d.scanned('TCK-000123', last + 10), 'Ctrl+Z is not a character').toBe(true);
    d.reset();
    expect(d.scanned('TCK-000123', last + 10)).toBe(false);
  });
});
