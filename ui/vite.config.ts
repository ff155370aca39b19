// Vite builds the UI into dist/, which tauri.conf.json names as frontendDist;
// the Rust shell embeds it at compile time, so build the UI before the shell.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The icon lives in ../icons; keep it a file rather than a data: URL.
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // The tests run the real app (a UI bridge per test, see
    // src/test/helpers.ts) and, for sync, a hub and other laptops.
    globalSetup: ['src/test/globalSetup.ts'],
    setupFiles: ['src/test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A test mostly waits for other processes: two files at a time even on
    // two cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
