// The app's navigation state: status of this laptop, the chosen event and the
// screen shown. One instance, made by App and shared through context.
import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';
import type { AppStatus, CloseRequest, EventView, Moved, PeerEventView, PeerShareView, SyncView } from './backend/types';
import { toBackendError } from './errors';

export type Screen = 'loading' | 'firstRun' | 'events' | 'desk' | 'sessions' | 'registrations' | 'import' | 'export' | 'reports' | 'sync' | 'org' | 'stations';

/** Screens reached from the navigation, in order (Alt+1…Alt+9, then Alt+0). */
export const NAV_SCREENS = ['desk', 'sessions', 'registrations', 'import', 'export', 'reports', 'events', 'sync', 'org', 'stations'] as const;
export type NavScreen = (typeof NAV_SCREENS)[number];

/** The digit of a screen's Alt shortcut: 1…9, then 0 for the tenth. */
export const navDigit = (index: number): number => (index + 1) % 10;

/** The screen Alt+`digit` opens, if any. */
export const navScreenOf = (digit: number): NavScreen | undefined => NAV_SCREENS[digit === 0 ? 9 : digit - 1];

/** Screens that work without a chosen event. */
export const needsEvent = (screen: Screen): boolean =>
  screen !== 'events' &&
  screen !== 'reports' &&
  screen !== 'sync' &&
  screen !== 'org' &&
  screen !== 'stations' &&
  screen !== 'firstRun' &&
  screen !== 'loading';

const EVENT_KEY = 'escale.eventId';

export class AppState {
  status = $state<AppStatus | null>(null);
  loadError = $state<string | null>(null);
  screen = $state<Screen>('loading');
  event = $state<EventView | null>(null);
  /** The background sync's state (pushed by the backend's `sync-status` event). */
  sync = $state<SyncView | null>(null);
  /** The window was asked to close with operations not yet on the hub. */
  closeRequest = $state<CloseRequest | null>(null);
  /** This laptop sharing with stand peers (kept while the screens change). */
  peerShare = $state<PeerShareView | null>(null);
  /** What happened while sharing, newest first. */
  peerEvents = $state<PeerEventView[]>([]);
  /** Sessions this laptop moved after a sync (another laptop gave their station first), until seen. */
  stationsMoved = $state<Moved[]>([]);
  /** The status bar asked for the duplicates review: the sync screen scrolls to it. */
  showDuplicates = $state(false);
  /** Called when a sync brought other laptops' operations (screens reload what they show). */
  private readonly dataWatchers = new Set<() => void>();
  /** Status refreshes asked so far (see `refreshStatus`). */
  private statusAsked = 0;

  constructor(
    private readonly backend: Backend,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null,
  ) {}

  /** Start-up: first run, or back to the event chosen last time. */
  async load(): Promise<void> {
    this.loadError = null;
    try {
      this.status = await this.backend.status();
    } catch (e) {
      this.loadError = toBackendError(e).message;
      return;
    }
    if (this.status.org_name === null) {
      this.screen = 'firstRun';
      return;
    }
    const saved = this.storage?.getItem(EVENT_KEY) ?? null;
    if (saved) {
      try {
        const ev = await this.backend.getEvent(saved);
        if (!ev.archived) {
          this.event = ev;
          this.screen = 'desk';
          return;
        }
      } catch {
        // The event is gone (archived, or another data directory): choose again.
      }
      this.storage?.removeItem(EVENT_KEY);
    }
    this.screen = 'events';
  }

  async refreshStatus(): Promise<void> {
    // Refreshes overlap (a write, a sync event, a language switch): the
    // latest asked wins, not the latest to answer.
    const asked = ++this.statusAsked;
    try {
      const status = await this.backend.status();
      if (asked === this.statusAsked) this.status = status;
    } catch {
      // The status bar keeps the last known values.
    }
  }

  /**
   * Listens to the backend's sync and close events for the app's lifetime;
   * resolves to the function that stops listening.
   */
  async connect(): Promise<() => void> {
    const stops = await Promise.all([
      this.backend.onSyncStatus((view) => {
        this.takeSync(view);
        void this.refreshStatus();
      }),
      this.backend.onDataChanged(() => {
        void this.refreshStatus();
        for (const watcher of this.dataWatchers) watcher();
      }),
      this.backend.onStationsMoved((moved) => {
        // One line per session, the latest move first.
        const again = new Set(moved.map((m) => m.use_id));
        this.stationsMoved = [...moved, ...this.stationsMoved.filter((m) => !again.has(m.use_id))].slice(0, 10);
      }),
      this.backend.onCloseRequested((request) => {
        this.closeRequest = request;
      }),
      this.backend.onPeerEvent((event) => {
        this.peerEvents = [event, ...this.peerEvents].slice(0, 20);
        if (event.event === 'closed') this.peerShare = null;
      }),
    ]);
    return () => stops.forEach((stop) => stop());
  }

  /** Calls `reload` whenever the store changes (`data-changed`); returns the unsubscribe. */
  watchData(reload: () => void): () => void {
    this.dataWatchers.add(reload);
    return () => this.dataWatchers.delete(reload);
  }

  /**
   * Shows a sync view unless a newer one is already shown: command answers
   * and `sync-status` events travel apart and may cross (the first sync
   * after enrolment can finish before the enrolment's answer arrives).
   * Returns the view shown.
   */
  takeSync(view: SyncView): SyncView {
    if (!this.sync || view.revision >= this.sync.revision) this.sync = view;
    return this.sync;
  }

  async refreshSync(): Promise<void> {
    try {
      this.takeSync(await this.backend.syncStatus());
    } catch {
      // The sync screen keeps the last known state.
    }
  }

  chooseEvent(ev: EventView, screen: Screen = 'desk'): void {
    this.event = ev;
    this.storage?.setItem(EVENT_KEY, ev.id);
    this.screen = screen;
  }

  /** The event was edited: keep showing the fresh copy. */
  eventChanged(ev: EventView): void {
    if (this.event?.id === ev.id) this.event = ev;
  }

  forgetEvent(id: string): void {
    if (this.event?.id === id) {
      this.event = null;
      this.storage?.removeItem(EVENT_KEY);
    }
  }

  /** Opens the review of the duplicates proposed after a sync (on the sync screen). */
  reviewDuplicates(): void {
    this.showDuplicates = true;
    this.screen = 'sync';
  }

  go(screen: Screen): void {
    this.screen = needsEvent(screen) && !this.event ? 'events' : screen;
  }
}

const KEY = Symbol('app');

export function setApp(app: AppState): AppState {
  return setContext(KEY, app);
}

export function getApp(): AppState {
  const app = getContext<AppState | undefined>(KEY);
  if (!app) throw new Error('getApp() called outside <App>');
  return app;
}
