// The UI in a browser on the real app, for looking at the screens and taking
// screenshots without the desktop window: `npm run mock` serves mock.html
// (src/mock-main.ts) and relays its commands to a UI bridge started per page
// (src/dev/relay.ts) — the real core, seeded like the component tests. It
// needs the bridge built (`make test` builds it, or
// cargo build -p escale-desktop --features ui-bridge --bin escale-ui-bridge).
// Never part of the app: the production build (vite.config.ts) only knows
// index.html.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { bridgeRelay } from './src/dev/relay';

export default defineConfig({
  plugins: [svelte(), bridgeRelay()],
  clearScreen: false,
  server: { port: 1421, strictPort: true },
  build: { target: 'es2022' },
});
