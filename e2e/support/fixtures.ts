import { test as base } from '@playwright/test';
import { mkdir, writeFile } from 'node:fs/promises';
import { filePolicySource } from '../../electron/policy/source.js';
import { launchShell, type Shell, type ShellOptions } from '../shell/shell.js';
import { readStackState } from './stack-state.js';
import type { TestClock } from './test-clock.js';

export interface OpenAppOptions {
  /** Managed policy for this instance; none means no policy file. */
  policy?: object;
  /** The operating-system language the app sees. */
  systemLocale?: string;
  /** A name for the instance's profile folder (several instances in one test). */
  name?: string;
  /**
   * Whether this instance trusts the test CA (default): in Chromium through the NSS database of its HOME,
   * in main through the policy's extra CA certificates.
   */
  trustTestCa?: boolean;
  /** 'denied': the person refused the app the microphone. */
  microphone?: 'granted' | 'denied';
  /** Puts files into the app's profile folder before the app starts (e.g. a database it cannot open). */
  prepareDataDir?(dataDir: string): Promise<void>;
  /** Puts something in front of the real keychain, e.g. one that fails the way a locked keyring does. */
  wrapSecrets?: ShellOptions['wrapSecrets'];
  /** The clock of main's services (e2e/support/test-clock.ts), for specs that let time pass. */
  clock?: TestClock;
  /** The company's proxy for Chromium and main (e2e/proxy.spec.ts). */
  proxy?: ShellOptions['proxy'];
  /** Starts this instance's browser through a wrapper (e2e/turn.spec.ts: into a cgroup of its own). */
  chromiumWrapper?: ShellOptions['chromiumWrapper'];
  /** electron-updater for this instance (e2e/shell/updater.ts). */
  updater?: ShellOptions['updater'];
}

/** `openApp` starts the app in the browser shell against the running provider test stack, and closes it after the test. */
export const test = base.extend<{ openApp: (options?: OpenAppOptions) => Promise<Shell> }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured object
  openApp: async ({}, use, testInfo) => {
    const opened: Shell[] = [];
    await use(async (options = {}) => {
      const name = options.name ?? `app-${opened.length}`;
      const state = readStackState();
      const trusted = options.trustTestCa ?? true;
      const policyPath = testInfo.outputPath(`${name}-policy.json`);
      const policy = trusted ? { extraCaCertificates: [state.caCertPem], ...options.policy } : options.policy;
      if (policy) await writeFile(policyPath, JSON.stringify(policy, null, 2));
      const dataDir = testInfo.outputPath(`${name}-data`);
      if (options.prepareDataDir) {
        await mkdir(dataDir, { recursive: true });
        await options.prepareDataDir(dataDir);
      }
      const shell = await launchShell({
        policy: filePolicySource(policyPath),
        dataDir,
        wrapSecrets: options.wrapSecrets,
        now: options.clock?.now,
        microphone: options.microphone,
        // "Export my data" writes here, as if the person had chosen this folder.
        exportDir: testInfo.outputPath(`${name}-export`),
        browserHome: trusted ? state.trustedHome : state.untrustedHome,
        systemLocale: options.systemLocale ?? 'en-US',
        secretService: `secure-softphone-e2e-${testInfo.testId}-${name}`,
        proxy: options.proxy,
        chromiumWrapper: options.chromiumWrapper,
        updater: options.updater,
      });
      opened.push(shell);
      return shell;
    });
    for (const shell of opened.reverse()) await shell.close();
  },
});

export { expect } from '@playwright/test';
