// The idle lock on the UI's side: after the organisation's delay without a
// key or the mouse the app locks; while someone works, the core is told so
// (`touch`) at most every 30 s, so that its own idle lock — on the same
// delay — never locks a person in the middle of typing.

/** How often, at most, activity is reported to the core. */
export const TOUCH_EVERY_MS = 30_000;

/** What counts as someone at the laptop. */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

export interface IdleOptions {
  /** The delay before locking, ms (read at each check: it may change). */
  idleMs: () => number;
  /** The delay ran out. */
  onIdle: () => void;
  /** Someone is working: tell the core. */
  touch: () => void;
  now?: () => number;
}

export class IdleWatch {
  private lastActivity: number;
  private lastTouch: number;
  private readonly now: () => number;

  constructor(private readonly options: IdleOptions) {
    this.now = options.now ?? (() => performance.now());
    // Unlocking was a use of the core: its idle delay starts now too.
    this.lastActivity = this.now();
    this.lastTouch = this.lastActivity;
  }

  /** A key, a click, the mouse moving. */
  activity(): void {
    const now = this.now();
    this.lastActivity = now;
    if (now - this.lastTouch >= TOUCH_EVERY_MS) {
      this.lastTouch = now;
      this.options.touch();
    }
  }

  /** Locks once the delay ran out without activity; true when it did. */
  check(): boolean {
    if (this.now() - this.lastActivity < this.options.idleMs()) return false;
    this.options.onIdle();
    return true;
  }

  /**
   * Watches `target`'s activity and checks every `everyMs` until the
   * returned function is called (or the delay ran out once).
   */
  start(target: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>, everyMs = 1_000): () => void {
    const onActivity = () => this.activity();
    for (const type of ACTIVITY_EVENTS) target.addEventListener(type, onActivity, { capture: true, passive: true });
    const stop = () => {
      clearInterval(timer);
      for (const type of ACTIVITY_EVENTS) target.removeEventListener(type, onActivity, { capture: true });
    };
    const timer = setInterval(() => {
      if (this.check()) stop();
    }, everyMs);
    return stop;
  }
}
