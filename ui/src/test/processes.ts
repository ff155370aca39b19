// The real processes a component test runs: UI bridges (the app, see
// lib/backend/bridge.ts), the organisation's hub (`escale hub serve`) and
// the `escale` CLI, each on its own temporary directory. Everything started
// during a test is stopped, and its directories removed, after it
// (`stopAll`, called by setup.ts).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { Bridge, bridgeBinary, type BridgeOptions } from '../lib/backend/bridge';
import { COORDINATOR } from './seed';

const running = new Set<{ stop(): Promise<void> }>();
const dirs: string[] = [];

/** A fresh directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'escale-ui-'));
  dirs.push(dir);
  return dir;
}

/**
 * A laptop: the app behind a UI bridge, on a data directory of its own
 * (`<dir>/escale`), in French unless `env` says otherwise, its mDNS kept on
 * the loopback interface like every test's, and its live stand sync off
 * (`ESCALE_STAND`) unless `env` turns it on: two laptops of one organisation
 * would otherwise sync by themselves under the test's feet.
 */
export async function startLaptop(options: BridgeOptions & { dir?: string } = {}): Promise<Bridge> {
  const dir = options.dir ?? tempDir();
  const bridge = await Bridge.start({
    dataDir: join(dir, 'escale'),
    ...options,
    env: { LANG: 'fr_FR.UTF-8', LC_ALL: undefined, LC_MESSAGES: undefined, ESCALE_MDNS_INTERFACE: 'lo', ESCALE_STAND: 'off', ...options.env },
  });
  running.add(bridge);
  return bridge;
}

/** The `escale` CLI, next to the bridge in the cargo target directory. */
export function escaleBinary(): string {
  return join(dirname(bridgeBinary()), process.platform === 'win32' ? 'escale.exe' : 'escale');
}

/**
 * Runs `escale --json ARGS` and resolves to its `data` (rejects with its
 * `error`). On a laptop's data directory (`--data-dir`: every seeded one
 * has staff accounts) it signs in as the seeded coordinator (seed.ts).
 */
export function escale<T>(args: string[]): Promise<T> {
  const env = args.includes('--data-dir') ? { ...process.env, ESCALE_AS: COORDINATOR.name, ESCALE_PIN: COORDINATOR.pin } : process.env;
  return new Promise<T>((resolve, reject) => {
    execFile(escaleBinary(), ['--json', '--lang', 'fr', ...args], { env }, (error, stdout, stderr) => {
      let out: { ok: boolean; data?: T; error?: unknown };
      try {
        out = JSON.parse(stdout);
      } catch {
        reject(new Error(`escale ${args.join(' ')}: ${error?.message ?? ''}\n${stderr}`));
        return;
      }
      if (out.ok) resolve(out.data as T);
      else reject(out.error);
    });
  });
}

/** The organisation's hub: `escale hub serve` on a SQLite file, on loopback. */
export class Hub {
  private child: ChildProcess | null = null;
  private port = 0;

  private constructor(
    private readonly databaseUrl: string,
    /** The organisation laptops enrol into. */
    readonly orgId: string,
    readonly orgName: string,
  ) {}

  /** A hub with one organisation, `orgName`, listening. */
  static async start(orgName = 'Passerelle Numérique'): Promise<Hub> {
    const databaseUrl = `sqlite://${join(tempDir(), 'hub.db')}`;
    // `org create` migrates the database first, like `serve`.
    const org = await escale<{ id: string }>(['hub', 'org', 'create', orgName, '--database-url', databaseUrl]);
    const hub = new Hub(databaseUrl, org.id, orgName);
    await hub.serve();
    running.add(hub);
    return hub;
  }

  /** Where laptops reach it. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A one-time enrolment code for a new laptop. */
  async enrolmentCode(): Promise<string> {
    const made = await escale<{ code: string }>(['hub', 'enroll', '--org', this.orgId, '--database-url', this.databaseUrl]);
    return made.code;
  }

  /** Starts serving (again, on the same port once it had one). */
  serve(): Promise<void> {
    const child = spawn(escaleBinary(), ['--json', 'hub', 'serve', '--database-url', this.databaseUrl, '--listen', `127.0.0.1:${this.port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: 'warn' },
    });
    this.child = child;
    const stderr: string[] = [];
    child.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
    return new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const url = (JSON.parse(line) as { data?: { url?: string } }).data?.url;
          if (url) {
            this.port = Number(new URL(url).port);
            resolve();
          }
        } catch {
          // Not the line announcing the address.
        }
      });
      child.on('exit', (code) => reject(new Error(`the hub exited (${code}): ${stderr.join('')}`)));
    });
  }

  /** The hub goes away (laptops find it unreachable). */
  stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/**
 * The TCP port a process listens on (Linux: its sockets in /proc). For a
 * sharing laptop whose mDNS is off, the test finds where it listens as a
 * person reads it off its screen on a network that hides it.
 */
export function listeningPort(pid: number): number {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined;
        }
      })
      .filter((i): i is string => i !== undefined),
  );
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, the inode is field 9.
      if (f[3] === '0A' && inodes.has(f[9] ?? '')) return parseInt(f[1]!.split(':')[1]!, 16);
    }
  }
  throw new Error(`process ${pid} listens on no TCP port`);
}

/** Stops every process the test started and removes its directories. */
export async function stopAll(): Promise<void> {
  const all = [...running];
  running.clear();
  await Promise.all(all.map((p) => p.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Whether the binaries the tests run are built (the global setup checks). */
export function missingBinaries(): string[] {
  return [bridgeBinary(), escaleBinary()].filter((b) => !existsSync(b));
}
