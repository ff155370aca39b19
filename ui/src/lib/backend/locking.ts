// Wraps a Backend so that any command refused with `auth.locked` — the
// core locked by itself after its idle delay, or another window locked it —
// drops the UI to the lock screen, whichever screen made the call.
import type { Backend } from './backend';
import { isBackendError } from './values';

/**
 * `locked(seq)` is called with what `seq()` said when the refused call
 * started, so that a refusal of a call made before the latest unlock is
 * recognised as stale.
 */
export function lockOnRefusal(backend: Backend, seq: () => number, locked: (seq: number) => void): Backend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      // Event subscriptions and the OS dialogs are not commands.
      if (typeof prop !== 'string' || prop.startsWith('on') || prop.startsWith('pick')) return fn.bind(target);
      return async (...args: unknown[]) => {
        const at = seq();
        try {
          return await fn.apply(target, args);
        } catch (e) {
          if (isBackendError(e) && e.code === 'auth.locked') locked(at);
          throw e;
        }
      };
    },
  });
}
