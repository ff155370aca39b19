import { describe, expect, it } from 'vitest';
import { IdleWatch, TOUCH_EVERY_MS } from './idle';

function watch(idleMs = 60_000) {
  let now = 0;
  const seen = { idle: 0, touched: 0 };
  const w = new IdleWatch({ idleMs: () => idleMs, onIdle: () => seen.idle++, touch: () => seen.touched++, now: () => now });
  return { w, seen, at: (ms: number) => (now = ms) };
}

describe('the idle lock', () => {
  it('locks once the delay passed without activity', () => {
    const { w, seen, at } = watch();
    at(59_999);
    expect(w.check()).toBe(false);
    at(60_000);
    expect(w.check()).toBe(true);
    expect(seen.idle).toBe(1);
  });

  it('activity pushes the delay back, and tells the core at most every 30 s', () => {
    const { w, seen, at } = watch();
    for (let t = 1_000; t <= 120_000; t += 1_000) {
      at(t);
      w.activity();
      expect(w.check()).toBe(false);
    }
    expect(seen.idle).toBe(0);
    expect(seen.touched).toBe(Math.floor(120_000 / TOUCH_EVERY_MS));
  });
});
