// Set-up of every component test file: how long to wait for the app, and,
// after each test, unmount the app first (so that nothing calls a stopped
// process), then stop every process the test started and give the UI back
// the real clock.
import { cleanup, configure } from '@testing-library/svelte';
import { afterEach, vi } from 'vitest';
import { stopAll } from './processes';

// The app answers from another process, and syncs in the background: give
// `findBy…` and `waitFor` five seconds on a busy two-core machine (a passing
// test never waits that long).
configure({ asyncUtilTimeout: 5_000 });

afterEach(async () => {
  cleanup();
  vi.useRealTimers();
  await stopAll();
});
