// The app's navigation state: status of this laptop, the chosen event and the
// screen shown. One instance, made by App and shared through context.
import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';
import type { Action, AppStatus, CloseRequest, EventView, LockState, Moved, PeerEventView, PeerShareView, SignedIn, SyncView } from './backend/types';
import { toBackendError } from './errors';
import { allows } from './roles';

export type Screen = 'loading' | 'firstRun' | 'events' | 'desk' | 'sessions' | 'registrations' | 'import' | 'export' | 'reports' | 'sync' | 'org' | 'stations' | 'audit';

/** Screens reached from the navigation, in order (Alt+1…Alt+9, then Alt+0; those after the tenth have no shortcut). */
export const NAV_SCREENS = ['desk', 'sessions', 'registrations', 'import', 'export', 'reports', 'events', 'sync', 'org', 'stations', 'audit'] as const;
export type NavScreen = (typeof NAV_SCREENS)[number];

/** The digit of a screen's Alt shortcut: 1…9, then 0 for the tenth; null past it. */
export const navDigit = (index: number): number | null => (index < 10 ? (index + 1) % 10 : null);

/** The screen Alt+`digit` opens, if any. */
export const navScreenOf = (digit: number): NavScreen | undefined => NAV_SCREENS[digit === 0 ? 9 : digit - 1];

/**
 * What a role must be allowed to open each screen (the core's actions; see
 * roles.ts). The sync screen shows the duplicates two laptops made, hence
 * `list_people`; its set-up parts ask for `sync_setup` themselves.
 */
export const SCREEN_ACTION: Record<NavScreen, Action> = {
  desk: 'check_in',
  sessions: 'view_events',
  registrations: 'list_people',
  import: 'import',
  export: 'export_people',
  reports: 'reports',
  events: 'view_events',
  sync: 'list_people',
  org: 'settings',
  stations: 'stations',
  audit: 'audit',
};

const isNavScreen = (screen: Screen): screen is NavScreen => (NAV_SCREENS as readonly Screen[]).includes(screen);

/** Screens that work without a chosen event. */
export const needsEvent = (screen: Screen): boolean =>
  screen !== 'events' &&
  screen !== 'reports' &&
  screen !== 'sync' &&
  screen !== 'org' &&
  screen !== 'stations' &&
  screen !== 'audit' &&
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
  /**
   * Who is signed in; null while locked — the screens are then not mounted
   * at all (App shows the lock screen), so nothing personal is in the page.
   */
  session = $state<SignedIn | null>(null);
  /** The lock state was read at least once (until then nothing past first run is shown). */
  lockKnown = $state(false);
  /** No staff account exists yet: the coordinator's must be created before anything else. */
  needsFirstAccount = $state(false);
  /** The staff names the lock screen offers. */
  staffNames = $state<string[]>([]);
  /** Bumped at each unlock: a refusal of a call started before it does not lock again. */
  sessionSeq = 0;
  /** Start-up happened while locked: the event chosen last time is restored once unlocked. */
  private restorePending = false;
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
    try {
      this.takeLock(await this.backend.lockState());
    } catch (e) {
      this.loadError = toBackendError(e).message;
      return;
    }
    if (!this.session) {
      // The lock screen (or the first account's) comes first; the event
      // cannot even be read while locked.
      this.restorePending = true;
      this.screen = 'events';
      return;
    }
    await this.restore();
  }

  /** Back to the event chosen last time (the desk), else the events. */
  private async restore(): Promise<void> {
    this.restorePending = false;
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
    this.fitScreen();
  }

  // ------------------------------------------------------------ the lock

  /** Whether the person signed in may do `action` (the core checks anyway). */
  can(action: Action): boolean {
    return allows(this.session?.role ?? null, action);
  }

  /** Whether the person signed in may open `screen`. */
  canOpen(screen: Screen): boolean {
    return !isNavScreen(screen) || this.can(SCREEN_ACTION[screen]);
  }

  private takeLock(lock: LockState): void {
    this.needsFirstAccount = lock.needs_first_account;
    this.staffNames = lock.names;
    this.lockKnown = true;
    if (lock.session) {
      if (this.session?.staff_id !== lock.session.staff_id) this.sessionSeq += 1;
      this.session = lock.session;
    } else {
      this.session = null;
    }
  }

  /** Reads the lock state again (after first run, an enrolment, accounts arriving by sync). */
  async refreshLock(): Promise<void> {
    try {
      const wasSignedIn = this.session !== null;
      this.takeLock(await this.backend.lockState());
      if (!wasSignedIn && this.session) await this.afterUnlock();
    } catch {
      // The screen shown stays; the next command says what is wrong.
    }
  }

  /** Someone unlocked (or created the first account): back to work, as far as their role goes. */
  async signedIn(session: SignedIn): Promise<void> {
    this.sessionSeq += 1;
    this.session = session;
    this.needsFirstAccount = false;
    await this.afterUnlock();
  }

  private async afterUnlock(): Promise<void> {
    if (this.restorePending) await this.restore();
    else this.fitScreen();
  }

  /**
   * The app is locked (the lock button or key, the idle delay, or a command
   * refused with auth.locked — the core locked by itself): the screens go
   * away at once. `seq`: the unlock the refused call was made under; a
   * refusal from before the latest unlock is stale and ignored.
   */
  locked(seq?: number): void {
    if (seq !== undefined && seq !== this.sessionSeq) return;
    if (!this.session) return;
    this.session = null;
    // Names of people on other laptops' stations: not kept while locked.
    this.stationsMoved = [];
    void this.refreshLock();
  }

  /** Locks now (the status bar's button, Ctrl+L, the idle delay). */
  async lockNow(): Promise<void> {
    const seq = this.sessionSeq;
    this.locked(seq);
    try {
      await this.backend.lock();
    } catch {
      // The core locks by itself after its idle delay anyway.
    }
    await this.refreshLock();
  }

  /** The idle delay before the UI locks itself, in ms (the organisation's minutes; tests may shorten it). */
  idleMs(): number {
    const minutes = this.session?.lock_minutes ?? 5;
    const override = this.status?.idle_lock_seconds ?? null;
    return Math.min(minutes * 60_000, override === null ? Infinity : override * 1000);
  }

  /** A screen the person's role may not open (after switching user): the desk, or the events. */
  private fitScreen(): void {
    if (this.canOpen(this.screen)) return;
    this.screen = this.event && this.canOpen('desk') ? 'desk' : 'events';
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
        // While locked no screen is mounted: only who may unlock can change
        // (accounts arriving by sync, the first one on a laptop that joined).
        if (!this.session) {
          if (this.lockKnown) void this.refreshLock();
          return;
        }
        for (const watcher of this.dataWatchers) watcher();
      }),
      this.backend.onStationsMoved((moved) => {
        if (!this.session) return;
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
    this.fitScreen();
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
    if (!this.canOpen('sync')) return;
    this.showDuplicates = true;
    this.screen = 'sync';
  }

  go(screen: Screen): void {
    if (!this.canOpen(screen)) return;
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
