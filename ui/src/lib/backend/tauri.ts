// The only file that calls Tauri's `invoke`: one method per Rust command.
import { invoke } from '@tauri-apps/api/core';
import type { Backend } from './backend';
import type { AppInfo } from './types';

export class TauriBackend implements Backend {
  appInfo(): Promise<AppInfo> {
    return invoke<AppInfo>('app_info');
  }
}
