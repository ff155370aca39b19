// Shared set-up for the component tests: the whole app on the real core (a
// UI bridge, see lib/backend/bridge.ts), seeded through its own commands
// (seed.ts), on a fixed clock, already opened on the demo event's desk; and
// the other laptops and the hub a test may need, as real processes.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { inject, vi } from 'vitest';
import App from '../App.svelte';
import type { Backend } from '../lib/backend/backend';
import type { Bridge } from '../lib/backend/bridge';
import type { EventView, Lang, PeerShareView, VisitorInput, VisitorView } from '../lib/backend/types';
import { CONSENT_PROCESSING } from '../lib/backend/values';
import { TestId } from '../lib/testIds';
import { Hub, startLaptop, tempDir } from './processes';
import { addExtraPeople, fromTemplate, signIn, NOW, writeSpreadsheets, type Person, type Seeded, type Spreadsheets, type TemplateClock } from './seed';
import { rawBackend, testBackend, type Fakes, type TestBackend } from './testBackend';

export { signIn };

export function memoryStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

/** How the app starts. */
export interface StartOptions extends Fakes {
  /**
   * The clock: frozen at NOW when absent; otherwise running, this many ms
   * off the system's (0: the real time), the UI's `Date` shifted alike (a
   * laptop's clock is one clock for the app and its window).
   */
  shiftClockBy?: number;
  /** The app's environment, over the tests' (`ESCALE_STAND: 'on'` lets it sync with the stand by itself). */
  env?: Record<string, string>;
  /** Leave a seeded laptop locked (the lock screen's tests); it is signed in as the coordination otherwise. */
  locked?: boolean;
}

/** A laptop for a test: the app behind a bridge, with the test's fakes, on its own directory. */
export interface Laptop {
  backend: TestBackend;
  bridge: Bridge;
  /** The test's directory: the data directory is `<dir>/escale`; spreadsheets and exports go here. */
  dir: string;
}

/** A laptop never set up (its first run is to come), or a copy of a seeded one (`template`), signed in. */
export async function startApp(options: StartOptions = {}, template?: TemplateClock): Promise<Laptop & { seeded: Seeded | null }> {
  const dir = tempDir();
  const seeded = template ? fromTemplate({ root: inject('templates')[template] }, dir) : null;
  const shifted = options.shiftClockBy !== undefined;
  const bridge = await startLaptop({
    dir,
    ...(shifted ? { shiftClockBy: options.shiftClockBy } : { freezeClockAt: NOW }),
    env: options.env,
  });
  if (shifted && options.shiftClockBy !== 0) {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, now: Date.now() + options.shiftClockBy! });
  }
  if (seeded && !options.locked) await signIn(rawBackend(bridge));
  return { backend: testBackend(bridge, options, dir), bridge, dir, seeded };
}

export interface OpenOptions extends StartOptions {
  /** Synthetic people registered besides the eight named ones. */
  extra?: number;
  /** Enrolled with the organisation's hub (a real one, started for the test) and synced. */
  enrolled?: boolean;
}

export interface Opened extends Laptop {
  event: EventView;
  /** The eight named people, as the core registered them. */
  people: Record<Person, VisitorView>;
  user: ReturnType<typeof userEvent.setup>;
  /** The spreadsheets in the test's directory. */
  files: Spreadsheets;
  /** The hub, when enrolled. */
  hub: Hub | null;
}

/**
 * The app on a seeded laptop (seed.ts), with the demo event chosen: it opens
 * on the desk. Enrolled laptops run on the real time (the hub's clock is).
 */
export async function openApp(options: OpenOptions = {}, locale?: Lang): Promise<Opened> {
  const enrolled = options.enrolled ?? false;
  const shiftClockBy = options.shiftClockBy ?? (enrolled ? 0 : undefined);
  const laptop = await startApp({ ...options, shiftClockBy }, shiftClockBy === undefined ? 'now' : 'live');
  const { event, people } = laptop.seeded!;
  const app = rawBackend(laptop.bridge);
  // The laptop was left in the UI's language.
  if (locale && locale !== 'fr') await app.setLanguage(locale);
  if (options.extra) await addExtraPeople(app, event, laptop.dir, options.extra);
  const hub = enrolled ? await Hub.start() : null;
  if (hub) await enrol(app, hub);
  const files = writeSpreadsheets(laptop.dir);
  if (options.openFile === undefined) laptop.backend.openFile = files.helloAsso;
  const storage = memoryStorage({ 'escale.eventId': event.id });
  const user = userEvent.setup();
  render(App, { props: { backend: laptop.backend, storage, locale } });
  await screen.findByTestId(TestId.DeskSearch);
  await laptop.backend.idle();
  return { ...laptop, event, people, user, files, hub };
}

/** Enrols a laptop with the hub (a new one joins as `deviceName`) and waits for its first sync. */
export async function enrol(app: Backend, hub: Hub, deviceName: string | null = null): Promise<void> {
  await app.syncEnroll(hub.url, await hub.enrolmentCode(), deviceName);
  await app.syncNow();
}

/** Another laptop of the organisation, enrolled with the hub and synced: it has everything the hub has. */
export async function otherLaptop(hub: Hub, deviceName = 'Portable 2'): Promise<{ app: Backend; bridge: Bridge }> {
  const bridge = await startLaptop({ shiftClockBy: 0 });
  const app = rawBackend(bridge);
  await enrol(app, hub, deviceName);
  // The hub brought the organisation's staff accounts: it is locked now.
  await signIn(app);
  return { app, bridge };
}

/** Registers a walk-in through the app's command (consenting to processing), checked in or not. */
export async function registerWalkIn(app: Backend, eventId: string, visitor: VisitorInput, checkIn = false): Promise<VisitorView> {
  const done = await app.registerWalkIn({ event_id: eventId, visitor, consents: [{ purpose: CONSENT_PROCESSING, granted: true }], check_in: checkIn });
  return done.visitor;
}

/** The record the app's search finds first for `query` at the event. */
export async function findPerson(app: Backend, eventId: string, query: string): Promise<VisitorView> {
  const [hit] = await app.search(eventId, query, 1);
  if (!hit) throw new Error(`nobody found for "${query}"`);
  return hit.visitor;
}

/** A laptop of the stand copied from a seeded template (its own process, not on screen). */
export async function seededLaptop(template: TemplateClock, env: Record<string, string> = {}): Promise<{ app: Backend; bridge: Bridge }> {
  const dir = tempDir();
  fromTemplate({ root: inject('templates')[template] }, dir);
  const bridge = await startLaptop({ dir, ...(template === 'now' ? { freezeClockAt: NOW } : { shiftClockBy: 0 }), env });
  const app = rawBackend(bridge);
  await signIn(app);
  return { app, bridge };
}

/** Where a sharing laptop listens on loopback. */
export function loopback(share: PeerShareView): string {
  return `127.0.0.1:${share.addresses[0]!.split(':').pop()}`;
}

/**
 * Another laptop of this one's organisation at the stand, never set up: it
 * joins this laptop (this one shares for the time it takes, by address),
 * then does `afterJoining` and shares in turn. `env` is its environment
 * (its mDNS interface…).
 */
export async function standPeer(
  here: Bridge,
  name: string,
  options: { env?: Record<string, string>; afterJoining?: (app: Backend) => Promise<void> } = {},
): Promise<{ app: Backend; bridge: Bridge; share: PeerShareView }> {
  const mine = rawBackend(here);
  const open = await mine.peerShareStart();
  const bridge = await startLaptop({ ...(await clockOf(here)), env: options.env });
  const app = rawBackend(bridge);
  await app.peerJoin(open.code, loopback(open), name);
  // It has the organisation's staff accounts now: it is locked.
  await signIn(app);
  await mine.peerShareStop();
  await options.afterJoining?.(app);
  return { app, bridge, share: await app.peerShareStart() };
}

/** A clock for another laptop like this one's: frozen at its now, or running as shifted. */
async function clockOf(bridge: Bridge): Promise<{ freezeClockAt: number } | { shiftClockBy: number }> {
  const { shiftClockBy } = bridge.options;
  return shiftClockBy === undefined ? { freezeClockAt: await bridge.control('now') } : { shiftClockBy };
}

/** The window's close button: true when the app closes at once, false when it stays open to ask first. */
export async function closeWindow(bridge: Bridge): Promise<boolean> {
  const { asked } = await bridge.control<{ asked: boolean }>('close_window');
  return !asked;
}

/** Text of the element with this test id (trimmed, spaces collapsed). */
export function text(id: string): string {
  return (screen.getByTestId(id).textContent ?? '').replace(/\s+/g, ' ').trim();
}

export function resultNames(): string[] {
  return screen.queryAllByTestId(TestId.DeskResult).map((li) => li.querySelector('.hit-name')?.textContent ?? '');
}
