// The browser build's way to the real app (`npm run mock`, vite.mock.config.ts):
// a Vite dev-server plugin that starts a UI bridge per page load — the
// seeded laptop of the component tests (test/seed.ts), or one never set up —
// and relays over HTTP what the page sends: POST /__bridge/session, then
// POST /__bridge/<id>/invoke {cmd, args} → {ok}|{err}, and the app's events
// as server-sent events on GET /__bridge/<id>/events. Development only: the
// app never loads it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin } from 'vite';
import type { Bridge } from '../lib/backend/bridge';
import type { CommandName } from '../lib/backend/bindings/CommandName';
import { startLaptop, stopAll, tempDir } from '../test/processes';
import { addExtraPeople, buildTemplate, fromTemplate, NOW, signIn, writeSpreadsheets, type Seeded, type Spreadsheets } from '../test/seed';
import { rawBackend } from '../test/testBackend';

/** What a page asks for. */
export interface SessionRequest {
  /** A laptop never set up (the first-run screen). */
  first?: boolean;
  /** Synthetic people besides the eight named ones, some of them arrived. */
  extra?: number;
  /** The seeded laptop left locked (the lock screen). */
  locked?: boolean;
}

/** What the page gets back. */
export interface Session {
  id: string;
  /** The data directory's parent: "save as" proposes files here. */
  dir: string;
  files: Spreadsheets;
  seeded: Seeded | null;
}

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      try {
        resolve(text === '' ? {} : JSON.parse(text));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/**
 * `extra` people more, about 45% of them arrived, spread over the hour
 * before NOW (an operation's stamp is its time, and stamps only go
 * forward: all of it happens after the template's 10:30, before 11:30).
 */
async function crowd(bridge: Bridge, seeded: Seeded, dir: string, extra: number): Promise<void> {
  const app = rawBackend(bridge);
  await bridge.control('freeze_clock', { at_ms: NOW - 3_600_000 });
  await addExtraPeople(app, seeded.event, dir, extra);
  const arriving = Array.from({ length: extra }, (_, i) => i).filter((i) => i % 20 < 9);
  for (const [n, i] of arriving.entries()) {
    await bridge.control('freeze_clock', { at_ms: NOW - 3_600_000 + Math.floor(((n + 1) * 3_500_000) / arriving.length) });
    await app.checkIn(seeded.event.id, { code: `EXTRA-${String(i + 1).padStart(6, '0')}` }, null, 'scan');
  }
  await bridge.control('freeze_clock', { at_ms: NOW });
}

export function bridgeRelay(): Plugin {
  const sessions = new Map<string, Bridge>();
  let template: Promise<string> | null = null;
  let next = 1;

  async function start(request: SessionRequest): Promise<Session> {
    const dir = tempDir();
    let seeded: Seeded | null = null;
    if (!request.first) {
      template ??= (async () => {
        const root = join(mkdtempSync(join(tmpdir(), 'escale-mock-')), 'now');
        await buildTemplate(root, 'now');
        return root;
      })();
      seeded = fromTemplate({ root: await template }, dir);
    }
    const bridge = await startLaptop({ dir, freezeClockAt: NOW });
    // Signed in as the seeded coordinator (the desk), unless the page wants the lock screen.
    if (seeded && !request.locked) await signIn(rawBackend(bridge));
    if (seeded && request.extra) await crowd(bridge, seeded, dir, request.extra);
    const id = String(next++);
    sessions.set(id, bridge);
    return { id, dir, files: writeSpreadsheets(dir), seeded };
  }

  return {
    name: 'escale-bridge-relay',
    configureServer(server) {
      server.httpServer?.on('close', () => void stopAll());
      server.middlewares.use('/__bridge', (req, res) => {
        void (async () => {
          const [, id, what] = (req.url ?? '').split('?')[0]!.split('/');
          if (id === 'session' && req.method === 'POST') return send(res, 200, await start((await body(req)) as SessionRequest));
          const bridge = sessions.get(id ?? '');
          if (!bridge) return send(res, 404, { error: `no session ${id}` });
          if (what === 'invoke' && req.method === 'POST') {
            const { cmd, args } = (await body(req)) as { cmd: CommandName; args?: Record<string, unknown> };
            try {
              return send(res, 200, { ok: (await bridge.invoke(cmd, args)) ?? null });
            } catch (err) {
              return send(res, 200, { err });
            }
          }
          if (what === 'events' && req.method === 'GET') {
            res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
            const stop = bridge.onAnyEvent((event, payload) => res.write(`data: ${JSON.stringify({ event, payload })}\n\n`));
            req.on('close', stop);
            return;
          }
          send(res, 404, { error: 'unknown request' });
        })().catch((e: unknown) => send(res, 500, { error: String(e) }));
      });
    },
  };
}
