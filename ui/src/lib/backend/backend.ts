// The one interface the UI talks to. Components receive a Backend and never
// call `invoke` themselves; tests pass MockBackend instead of TauriBackend.
import type { AppInfo } from './types';

export interface Backend {
  /** Version of the app and the data directory it uses. */
  appInfo(): Promise<AppInfo>;
}
