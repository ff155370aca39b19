// The UI bridge as a Transport: the real app — its core, its commands, its
// events — running on Tauri's mock runtime in a child process
// (src-tauri/src/bin/escale-ui-bridge.rs, built with the `ui-bridge`
// feature), for the component tests, which run in Node. With
// `new CommandBackend(bridge, dialogs)` (commands.ts) the tests send exactly
// what the app sends; nothing here knows a business rule.
//
// Protocol: one JSON document per line. We send {id, cmd, args} (a command)
// or {id, control, args} (the bridge's own: the clock, the window's close
// button); it answers {id, ok} or {id, err}, pushes {event, payload} for
// every event the app emits, {ready} once started and {exit} when the app
// quits.
/// <reference types="node" />
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { CommandName } from './bindings/CommandName';
import type { EventName } from './bindings/EventName';
import type { CommandArgs, Transport } from './commands';

/** How to start a bridge. */
export interface BridgeOptions {
  /** The app's data directory (default: a fresh temporary one, removed when the bridge stops). */
  dataDir?: string;
  /** Stop the app's wall clock at this instant (Unix ms). */
  freezeClockAt?: number;
  /** Let the app's wall clock run this many ms ahead of the system's (behind if negative). */
  shiftClockBy?: number;
  /** Added to the environment (the app reads its locale, its mDNS interface… from there). */
  env?: Record<string, string | undefined>;
}

/** The repository: the first directory up from the current one that holds src-tauri/. */
function repository(): string {
  let dir = resolve(process.cwd());
  while (!existsSync(join(dir, 'src-tauri'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** Where the bridge's binary is: ESCALE_UI_BRIDGE, else the cargo target directory's debug build. */
export function bridgeBinary(): string {
  if (process.env.ESCALE_UI_BRIDGE) return process.env.ESCALE_UI_BRIDGE;
  const target = process.env.CARGO_TARGET_DIR || join(repository(), 'target');
  return join(target, 'debug', process.platform === 'win32' ? 'escale-ui-bridge.exe' : 'escale-ui-bridge');
}

/** How to build the bridge when it is missing. */
export const BUILD_BRIDGE = 'cargo build -p escale-desktop --features ui-bridge --bin escale-ui-bridge (or `make test`)';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** A running bridge. Stop it with `stop()`. */
export class Bridge implements Transport {
  /** The data directory the app runs on. */
  dataDir = '';
  /** The bridge's process id. */
  get pid(): number {
    return this.child.pid ?? 0;
  }
  /** The exit code the app quit with (`quit_app`), null while it runs. */
  exitCode: number | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly exitListeners = new Set<(code: number) => void>();
  private readonly anyListeners = new Set<(event: string, payload: unknown) => void>();
  private stderr: string[] = [];
  private stopping = false;
  private gone: Error | null = null;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    /** How it was started. */
    readonly options: BridgeOptions,
  ) {}

  /** Starts a bridge and resolves once the app is ready. */
  static start(options: BridgeOptions = {}): Promise<Bridge> {
    const binary = bridgeBinary();
    if (!existsSync(binary)) {
      return Promise.reject(new Error(`the UI bridge is not built (${binary}); build it with ${BUILD_BRIDGE}`));
    }
    const args: string[] = [];
    if (options.dataDir) args.push('--data-dir', options.dataDir);
    if (options.freezeClockAt !== undefined) args.push('--freeze-clock-at', String(options.freezeClockAt));
    if (options.shiftClockBy !== undefined) args.push('--shift-clock-by', String(options.shiftClockBy));
    const child = spawn(binary, args, {
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...options.env },
      stdio: 'pipe',
    });
    const bridge = new Bridge(child, options);
    return new Promise<Bridge>((resolve, reject) => {
      bridge.onReady = (dataDir) => {
        bridge.dataDir = dataDir;
        resolve(bridge);
      };
      bridge.onGone = reject;
      bridge.attach();
    });
  }

  private onReady: (dataDir: string) => void = () => {};
  private onGone: (error: Error) => void = () => {};

  private attach(): void {
    createInterface({ input: this.child.stdout }).on('line', (line) => this.received(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 40) this.stderr.shift();
    });
    this.child.on('error', (e) => this.died(e.message));
    this.child.on('exit', (code, signal) => this.died(`exited (${signal ?? code})`));
  }

  private received(line: string): void {
    let message: { id?: number; ok?: unknown; err?: unknown; event?: string; payload?: unknown; ready?: { data_dir: string }; exit?: number };
    try {
      message = JSON.parse(line);
    } catch {
      this.stderr.push(`(stdout) ${line}`);
      return;
    }
    if (message.id !== undefined) {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if ('err' in message) waiting?.reject(message.err);
      else waiting?.resolve(message.ok);
    } else if (message.event !== undefined) {
      for (const handler of [...(this.listeners.get(message.event) ?? [])]) handler(message.payload);
      for (const handler of [...this.anyListeners]) handler(message.event, message.payload);
    } else if (message.ready) {
      this.onReady(message.ready.data_dir);
    } else if (message.exit !== undefined) {
      this.exitCode = message.exit;
      for (const handler of this.exitListeners) handler(message.exit);
    }
  }

  private died(how: string): void {
    if (this.gone) return;
    this.gone = new Error(`the UI bridge ${how}${this.stopping ? '' : `; its last words:\n${this.stderr.join('\n')}`}`);
    this.onGone(this.gone);
    // Once stopped on purpose, calls still in flight never settle: the test
    // is over and nobody waits for them.
    if (this.stopping) return;
    for (const waiting of this.pending.values()) waiting.reject(this.gone);
    this.pending.clear();
  }

  private send<T>(request: Record<string, unknown>): Promise<T> {
    if (this.gone) return this.stopping ? new Promise<T>(() => {}) : Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  invoke<T>(command: CommandName, args: CommandArgs = {}): Promise<T> {
    return this.send<T>({ cmd: command, args });
  }

  listen<T>(event: EventName, handler: (payload: T) => void): Promise<() => void> {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    const h = handler as (payload: unknown) => void;
    set.add(h);
    return Promise.resolve(() => void set.delete(h));
  }

  /** Every event the app emits, whatever its name (to relay them); returns the unsubscribe. */
  onAnyEvent(handler: (event: string, payload: unknown) => void): () => void {
    this.anyListeners.add(handler);
    return () => void this.anyListeners.delete(handler);
  }

  /** Called with the exit code when the app quits (`quit_app`). */
  onExit(handler: (code: number) => void): () => void {
    this.exitListeners.add(handler);
    return () => void this.exitListeners.delete(handler);
  }

  /**
   * One of the bridge's controls (not an app command): `freeze_clock
   * {at_ms}`, `shift_clock {by_ms}`, `advance_clock {ms}`, `now` (each
   * answers the clock's Unix ms), `close_window` (answers `{asked}`).
   */
  control<T = number>(name: string, args: Record<string, unknown> = {}): Promise<T> {
    return this.send<T>({ control: name, args });
  }

  /** Ends the app: closes its stdin (it removes its temporary directory and exits), killing it if it lingers. */
  stop(): Promise<void> {
    if (this.gone) return Promise.resolve();
    this.stopping = true;
    return new Promise<void>((resolve) => {
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.stdin.end();
    });
  }
}
