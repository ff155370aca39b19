// Builds the UI on the in-memory MockBackend (mock.html → src/mock-main.ts)
// into target/ui-mock, for looking at the screens in a browser without Rust.
// Never part of the app: the production build (vite.config.ts) only knows
// index.html.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  base: './',
  build: {
    outDir: '../target/ui-mock',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    rollupOptions: { input: 'mock.html' },
  },
});
