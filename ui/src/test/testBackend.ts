// The component tests' Backend: the real app through the UI bridge
// (commands.ts's CommandBackend over a Bridge), wrapped in what only a
// transport can fake — a failure, latency, a slow search, the OS file
// dialogs — and recording what the UI sent. Every answer is the core's: no
// business rule lives here.
import { join } from 'node:path';
import type { Backend } from '../lib/backend/backend';
import type { Bridge } from '../lib/backend/bridge';
import { CommandBackend, type Dialogs, type Transport } from '../lib/backend/commands';
import type { BackendError } from '../lib/backend/types';

/** What a test may fake around the real app. */
export interface Fakes {
  /** Every call rejects with this (the app cannot start, the disk is full…). */
  failWith?: BackendError | Error;
  /** Delay before every call, ms (0: the next microtask). */
  latencyMs?: number;
  /** Extra delay of a search, by query (to test that stale answers are ignored). */
  searchDelay?: (query: string) => number;
  /** What the "open file" dialog answers (null: cancelled). */
  openFile?: string | null;
  /** What "save as" answers (null: cancelled; default: the test's directory + the proposed name). */
  saveFile?: string | null;
}

/** One call the UI made. */
export interface Recorded {
  method: keyof Backend;
  args: unknown[];
  /** What it resolved to (undefined while pending or when it failed). */
  result?: unknown;
}

export interface TestControls {
  /** The app behind the backend. */
  readonly bridge: Bridge;
  /** Names of the methods called, in order. */
  readonly calls: (keyof Backend)[];
  /** Every call, in order. */
  readonly log: Recorded[];
  /** Arguments of the latest call of `method`. */
  lastArgs(method: keyof Backend): unknown[] | undefined;
  /** What the latest call of `method` resolved to. */
  lastResult<T>(method: keyof Backend): T | undefined;
  count(method: keyof Backend): number;
  /** The next call of `method` rejects with `error`. */
  failNext(method: keyof Backend, error: BackendError): void;
  /** What the "open file" dialog answers. */
  openFile: string | null;
  /** What "save as" answers (undefined: the test's directory + the proposed name). */
  saveFile: string | null | undefined;
  /** The app quit (`quitApp`). */
  readonly quitRequested: boolean;
  /**
   * Resolves once no call is in flight and none started for a moment: the
   * screen shows what the app answered (the app answers in milliseconds,
   * but not within the same tick, as an in-memory fake did).
   */
  idle(): Promise<void>;
}

export type TestBackend = Backend & TestControls;

const EVENTS: ReadonlySet<keyof Backend> = new Set<keyof Backend>(['onSyncStatus', 'onDataChanged', 'onCloseRequested', 'onPeerEvent', 'onStationsMoved']);

/** The real app behind `bridge`, with `fakes`; "save as" proposes files in `saveDir`. */
export function testBackend(bridge: Bridge, fakes: Fakes, saveDir: string): TestBackend {
  const oneShot = new Map<keyof Backend, BackendError>();
  const controls: TestControls = {
    bridge,
    calls: [],
    log: [],
    lastArgs: (method) => [...controls.log].reverse().find((l) => l.method === method)?.args,
    lastResult: <T>(method: keyof Backend) => [...controls.log].reverse().find((l) => l.method === method)?.result as T | undefined,
    count: (method) => controls.calls.filter((c) => c === method).length,
    failNext: (method, error) => void oneShot.set(method, error),
    openFile: fakes.openFile ?? null,
    saveFile: fakes.saveFile,
    get quitRequested() {
      return bridge.exitCode !== null;
    },
    async idle() {
      for (let quiet = 0; quiet < 3; ) {
        await new Promise((r) => setTimeout(r, 15));
        quiet = inFlight === 0 ? quiet + 1 : 0;
      }
    },
  };
  let inFlight = 0;
  const dialogs: Dialogs = {
    pickOpenFile: () => Promise.resolve(controls.openFile),
    pickSaveFile: (name) => Promise.resolve(controls.saveFile === undefined ? join(saveDir, name) : controls.saveFile),
  };
  const app = new CommandBackend(bridge, dialogs);

  async function call(method: keyof Backend, args: unknown[]): Promise<unknown> {
    const entry: Recorded = { method, args };
    controls.calls.push(method);
    controls.log.push(entry);
    inFlight += 1;
    try {
      return await answer(method, args, entry);
    } finally {
      inFlight -= 1;
    }
  }

  async function answer(method: keyof Backend, args: unknown[], entry: Recorded): Promise<unknown> {
    if (fakes.latencyMs) await new Promise((r) => setTimeout(r, fakes.latencyMs));
    else await Promise.resolve();
    if (fakes.failWith) throw fakes.failWith;
    const once = oneShot.get(method);
    if (once) {
      oneShot.delete(method);
      throw once;
    }
    const delay = method === 'search' ? (fakes.searchDelay?.(String(args[1])) ?? 0) : 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const fn = app[method] as (...a: unknown[]) => Promise<unknown>;
    entry.result = await fn.apply(app, args);
    return entry.result;
  }

  return new Proxy(controls, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      const fn = typeof prop === 'string' ? (app as unknown as Record<string, unknown>)[prop] : undefined;
      if (typeof fn !== 'function') return undefined;
      // Subscriptions to the app's events are not calls: never faked.
      if (EVENTS.has(prop as keyof Backend)) return fn.bind(app);
      return (...args: unknown[]) => call(prop as keyof Backend, args);
    },
  }) as TestBackend;
}

/** The app's commands without fakes or recording (what happens off screen: seeding, other laptops). */
export function rawBackend(transport: Transport): Backend {
  const none = () => Promise.resolve(null);
  return new CommandBackend(transport, { pickOpenFile: none, pickSaveFile: none });
}
