// Wire types of the Tauri commands. They mirror the Rust structs named in each
// comment; keep the keys identical (the Rust side has a test pinning them).

/** `app_info` → src-tauri/src/commands/app.rs `AppInfo`. */
export interface AppInfo {
  version: string;
  data_dir: string;
  /** null until the first-run set-up. */
  org_name: string | null;
  device_name: string | null;
  /** Operations in the local log. */
  ops: number;
}
