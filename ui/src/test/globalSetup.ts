// Before the component tests: the binaries they run must be built (the UI
// bridge and the `escale` CLI; `make test` builds them first) — a missing
// one fails the run with what to do, in CI and on a workstation alike: the
// tests are never skipped. mDNS must work on the loopback interface, where
// the tests keep it, like the Rust tests (escale-testkit's
// `loopback_multicast`): without it, the few tests that find a stand peer by
// mDNS fail on CI and are left out elsewhere, loudly. Then the seeded
// laptops every test copies are built once (seed.ts, `buildTemplate`): one
// on the frozen clock, one on the real time for the tests that talk to a hub.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { BUILD_BRIDGE } from '../lib/backend/bridge';
import { missingBinaries, stopAll } from './processes';
import { buildTemplate, type TemplateClock } from './seed';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Root of each seeded laptop's template (seed.ts, `Template`). */
    templates: Record<TemplateClock, string>;
    /** mDNS works on the loopback interface (its MULTICAST flag is on). */
    loopbackMulticast: boolean;
  }
}

/** The MULTICAST flag of `lo`, set when it is not and we may (root). */
function loopbackMulticast(): boolean {
  const has = () => spawnSync('ip', ['link', 'show', 'lo'], { encoding: 'utf8' }).stdout?.includes('MULTICAST') ?? false;
  if (!has()) spawnSync('ip', ['link', 'set', 'lo', 'multicast', 'on']);
  if (has()) return true;
  const why = 'the loopback interface has no MULTICAST flag and `ip link set lo multicast on` failed (run as root)';
  if (process.env.CI === 'true') throw new Error(`the component tests of stand peers need mDNS on lo: ${why}`);
  console.warn(`\n*** NOTE: the component tests that find a stand peer by mDNS are NOT run: ${why} ***\n`);
  return false;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = missingBinaries();
  if (missing.length > 0) {
    throw new Error(
      `the component tests run the real app, and these are not built: ${missing.join(', ')}.\nBuild them with ${BUILD_BRIDGE}; the CLI with cargo build -p escale-cli.`,
    );
  }
  project.provide('loopbackMulticast', loopbackMulticast());
  const root = mkdtempSync(join(tmpdir(), 'escale-ui-templates-'));
  const templates = { now: join(root, 'now'), live: join(root, 'live') };
  try {
    await buildTemplate(templates.now, 'now');
    await buildTemplate(templates.live, 'live');
  } finally {
    await stopAll();
  }
  project.provide('templates', templates);
  return async () => rmSync(root, { recursive: true, force: true });
}
