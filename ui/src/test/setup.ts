// After each component test: unmount the app first (so that nothing calls a
// stopped process), then stop every process the test started and give the
// UI back the real clock.
import { cleanup } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';
import { stopAll } from './processes';

afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  await stopAll();
});
