// Wire types of the Tauri commands (types only: runtime values live in
// values.ts).
//
// Generated from the Rust types by ts-rs into ./bindings/ (desk-backend:
// `make bindings`; `cargo test -p escale-desktop` fails when they are stale),
// and re-exported here so the UI imports every wire type from this one file.
// Do not redefine a wire type here: change the Rust type and regenerate.
// Only UI-side shapes that do not cross the wire live below.

export type * from './bindings';
import type { ErrorBody, JobProgress } from './bindings';

/** @deprecated the old `app_info` shape; kept for the first shell. */
export type AppInfo = import('./bindings').AppStatus;

/** Who checks in: a visitor id (picked from the results) or a scanned code. */
export type CheckInTarget = { visitorId: string } | { code: string };

/**
 * What every command rejects with (Rust `ErrorBody`). `message` is already
 * translated by Rust into the language set with `setLanguage`. `field` names
 * the input field at fault for `input.*` errors when Rust knows it
 * ("first_name", "email"…). `code` is an `ErrorCode`; it is widened to
 * `string` here so mocks and tests may build errors freely.
 */
export type BackendError = Omit<ErrorBody, 'code' | 'field'> & {
  code: ErrorBody['code'] | string;
  field?: string | null;
};

/**
 * A long batch the UI follows and may cancel: `job` is the id it chose
 * (`cancelJob(job)`), `onProgress` receives the batch's `job-progress`
 * events.
 */
export interface Batch {
  job: string;
  onProgress: (p: JobProgress) => void;
}
