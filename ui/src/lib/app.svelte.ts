// The app's navigation state: status of this laptop, the chosen event and the
// screen shown. One instance, made by App and shared through context.
import { getContext, setContext } from 'svelte';
import type { Backend } from './backend';
import type { AppStatus, EventView } from './backend/types';
import { toBackendError } from './errors';

export type Screen = 'loading' | 'firstRun' | 'events' | 'desk' | 'sessions' | 'registrations' | 'import' | 'export';

/** Screens reached from the navigation, in order (Alt+1…Alt+6). */
export const NAV_SCREENS = ['desk', 'sessions', 'registrations', 'import', 'export', 'events'] as const;
export type NavScreen = (typeof NAV_SCREENS)[number];

const EVENT_KEY = 'escale.eventId';

export class AppState {
  status = $state<AppStatus | null>(null);
  loadError = $state<string | null>(null);
  screen = $state<Screen>('loading');
  event = $state<EventView | null>(null);

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
    try {
      this.status = await this.backend.status();
    } catch {
      // The status bar keeps the last known values.
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

  go(screen: Screen): void {
    const needsEvent = screen !== 'events' && screen !== 'firstRun' && screen !== 'loading';
    this.screen = needsEvent && !this.event ? 'events' : screen;
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
