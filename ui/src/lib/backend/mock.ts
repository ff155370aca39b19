// In-memory Backend for tests and UI work without Rust: returns canned data and
// records the calls it received.
import type { Backend } from './backend';
import type { AppInfo } from './types';

export interface MockOptions {
  appInfo?: AppInfo;
  /** When set, every call rejects with this error. */
  failWith?: Error;
}

export class MockBackend implements Backend {
  readonly calls: string[] = [];
  private readonly info: AppInfo;
  private readonly failWith: Error | undefined;

  constructor(options: MockOptions = {}) {
    this.info = options.appInfo ?? {
      version: '0.0.0-mock',
      data_dir: '/tmp/escale-mock',
      org_name: null,
      device_name: null,
      ops: 0,
    };
    this.failWith = options.failWith;
  }

  async appInfo(): Promise<AppInfo> {
    this.calls.push('appInfo');
    if (this.failWith) throw this.failWith;
    return { ...this.info };
  }
}
