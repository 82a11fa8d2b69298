import { createWriteStream, existsSync, watch } from 'node:fs';
import { chmod, mkdir, open, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../e2e/provider/ports.js';
import { spawnManaged, stopProcess } from '../e2e/provider/processes.js';
import { launchShell } from '../e2e/shell/shell.js';
import { launchChromium } from '../e2e/support/chromium.js';
import { findElectronBinary } from '../e2e/support/electron-binary.js';
import { filePolicySource } from '../electron/policy/source.js';
import type { ChannelInput, ChannelName, ChannelOutput } from '../shared/ipc/contract.js';
import type { IpcResult } from '../shared/ipc/errors.js';

/** `window.softphone` as seen from outside the page: channel names and payloads cross as data. */
type PageBridge = { softphone?: { invoke(channel: string, input: unknown): Promise<IpcResult<unknown>> } };
import { DEMO_SECRET_SERVICE } from './keychain.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** The app's window, driven through its own bridge (`window.softphone`), whichever runtime shows it. */
export interface DemoApp {
  runtime: 'electron' | 'shell';
  page: Page;
  /** Chromium's DevTools endpoint on 127.0.0.1, with `devtools` only. */
  devtoolsUrl: string | null;
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  stop(): Promise<void>;
}

export interface DemoAppOptions {
  runDir: string;
  policyPath: string;
  /** HOME of the browser: its NSS database trusts the stack's CA. */
  browserHome: string;
  systemLocale: string;
  /** Display arguments (Wayland) for Chromium. */
  chromiumArgs: string[];
  mediaDevices: 'fake' | 'real';
  devtools: boolean;
  /** The system browser: where the app sends the person to sign in, and links. */
  openExternal(url: string): Promise<void>;
  /** How often main asks the provider's status page. */
  statusIntervalMs: number;
}

function bridgeOf(page: Page): DemoApp['invoke'] {
  return async (channel, input) => {
    const result = await page.evaluate(
      ([name, payload]) => (window as Window & PageBridge).softphone!.invoke(name, payload),
      [channel as string, input as unknown] as const,
    );
    if (!result.ok) throw new Error(`${channel}: ${result.error.message} (${result.error.code})`);
    return result.value as ChannelOutput<typeof channel>;
  };
}

/** The browser shell: the built renderer in Debian's Chromium with main's services in this process. */
async function startShell(options: DemoAppOptions): Promise<DemoApp> {
  const devtoolsPort = options.devtools ? await freePort() : null;
  // The demo closes the browser in its own teardown, after the app: Playwright must not on Ctrl+C.
  const browser = await launchChromium({
    home: options.browserHome,
    headless: false,
    mediaDevices: options.mediaDevices,
    handleSignals: false,
    sessionBus: false,
    extraArgs: [
      ...options.chromiumArgs,
      ...(devtoolsPort ? [`--remote-debugging-port=${devtoolsPort}`] : []),
    ],
  });
  const shell = await launchShell({
    browser,
    policy: filePolicySource(options.policyPath),
    dataDir: join(options.runDir, 'profile'),
    browserHome: options.browserHome,
    headless: false,
    systemLocale: options.systemLocale,
    secretService: DEMO_SECRET_SERVICE,
    openExternal: options.openExternal,
    statusIntervalMs: options.statusIntervalMs,
    // There is no folder dialog in the shell: "Export my data" writes into Documents.
    exportDir: join(homedir(), 'Documents'),
  });
  return {
    runtime: 'shell',
    page: shell.page,
    devtoolsUrl: devtoolsPort ? `http://127.0.0.1:${devtoolsPort}` : null,
    invoke: bridgeOf(shell.page),
    async stop() {
      // A browser that went already (its screen or session bus ended first) needs no closing.
      await shell.close().catch((error: unknown) => {
        if (browser.isConnected()) throw error;
      });
      await browser.close();
    },
  };
}

/**
 * A `xdg-open` first on Electron's PATH that hands each URL to the demo (appended to `file`): Electron opens
 * the sign-in page with it, and the person's own browser could not reach the demo's network namespace.
 */
async function systemBrowserShim(dir: string, file: string, handle: (url: string) => Promise<void>) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${file}'\n`);
  await chmod(join(dir, 'xdg-open'), 0o755);
  await writeFile(file, '');
  let offset = 0;
  const watcher = watch(file, () => {
    void (async () => {
      const handleFile = await open(file, 'r');
      const { size } = await handleFile.stat();
      const buffer = Buffer.alloc(size - offset);
      await handleFile.read(buffer, 0, buffer.length, offset);
      await handleFile.close();
      offset = size;
      for (const url of buffer.toString('utf8').split('\n').filter(Boolean)) await handle(url);
    })().catch(() => undefined);
  });
  return () => watcher.close();
}

/** Electron with the built app, its policy from SOFTPHONE_POLICY (development builds only), driven over CDP. */
async function startElectron(binary: string, options: DemoAppOptions): Promise<DemoApp> {
  const port = await freePort();
  const log = createWriteStream(join(options.runDir, 'electron.log'));
  const stopShim = await systemBrowserShim(
    join(options.runDir, 'bin'),
    join(options.runDir, 'open-requests'),
    options.openExternal,
  );
  const child = spawnManaged(
    binary,
    [
      repoRoot,
      `--user-data-dir=${join(options.runDir, 'profile')}`,
      `--remote-debugging-port=${port}`,
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      ...(options.mediaDevices === 'fake' ? ['--use-fake-device-for-media-stream'] : []),
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      ...options.chromiumArgs,
    ],
    {
      env: {
        ...process.env,
        SOFTPHONE_POLICY: options.policyPath,
        PATH: `${join(options.runDir, 'bin')}:${process.env.PATH ?? ''}`,
        LANG: `${options.systemLocale.replace('-', '_')}.UTF-8`,
      },
    },
  );
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const stop = async () => {
    stopShim();
    await stopProcess(child);
  };
  try {
    let browser: Browser | null = null;
    const deadline = Date.now() + 30_000;
    while (!browser) {
      if (child.exitCode !== null) throw new Error(`Electron exited (${child.exitCode}); see electron.log`);
      browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`).catch(() => null);
      if (!browser && Date.now() > deadline) throw new Error('Electron did not open its window in 30 s');
      if (!browser) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const context = browser.contexts()[0]!;
    const page = context.pages()[0] ?? (await context.waitForEvent('page'));
    await page.waitForFunction(() => 'softphone' in window);
    return {
      runtime: 'electron',
      page,
      devtoolsUrl: options.devtools ? `http://127.0.0.1:${port}` : null,
      invoke: bridgeOf(page),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Electron where its binary is installed (and its main process built); the browser shell where it is not. */
export async function startApp(options: DemoAppOptions): Promise<DemoApp> {
  const electron = findElectronBinary();
  if ('path' in electron && existsSync(join(repoRoot, 'dist', 'electron', 'main.cjs')))
    return startElectron(electron.path, options);
  return startShell(options);
}

/** Why the app runs in the browser shell, for the terminal; null when it runs in Electron. */
export function shellReason(): string | null {
  const electron = findElectronBinary();
  return 'missing' in electron ? electron.missing : null;
}
