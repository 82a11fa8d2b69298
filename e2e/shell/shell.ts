import { build } from 'esbuild';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAppServices, type AppServices } from '../../electron/app-services.js';
import { appResponseHeaders, mimeTypeOf } from '../../electron/platform/app-protocol.js';
import { servePolicyInPage } from '../../electron/platform/csp.js';
import { pacRoutes, proxyPort, type ProxyRoutes } from '../../electron/net/proxy-routes.js';
import type { PolicySource } from '../../electron/policy/source.js';
import { createKeytarSecretStore, type SecretStore } from '../../electron/secrets/secret-store.js';
import type { HttpUpdater } from '../../electron/updates/updater-http.js';
import { launchChromium } from '../support/chromium.js';
import { ShellNotifier } from './notifier.js';

/**
 * The browser shell: the built renderer in Debian's Chromium, with `window.softphone` bound to the real
 * main-process services running in this Node process. Everything but Electron's window plumbing is real.
 */
export const SHELL_ORIGIN = 'https://softphone.shell';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const rendererDir = join(repoRoot, 'dist', 'renderer');

export interface ShellOptions {
  policy: PolicySource;
  /** Profile directory of the app (settings, later the database). */
  dataDir: string;
  /** HOME of the browser: its NSS database decides which CAs Chromium trusts. */
  browserHome: string;
  headless?: boolean;
  /** The operating system language the app should see, e.g. "de-DE". */
  systemLocale?: string;
  /** Whether the app may use the microphone (a person who refused the permission: 'denied'). */
  microphone?: 'granted' | 'denied';
  /** Extra Chromium arguments (fake audio files and the like). */
  chromiumArgs?: string[];
  /** Reuse an already launched browser (several app instances in one test). */
  browser?: Browser;
  /** Keychain service name of this instance (several instances must not share secrets). */
  secretService?: string;
  /** Puts something in front of the real keychain, e.g. one that fails the way a locked keyring does. */
  wrapSecrets?(keychain: SecretStore): SecretStore;
  /**
   * The folder "Export my data" writes into, as if the person had chosen it in the folder dialog (created
   * if missing); without one, the person cancels the dialog.
   */
  exportDir?: string;
  /** The clock of main's services (default: the real one); a spec moves it to age the session. */
  now?(): number;
  /**
   * The company's proxy, as the system's settings would name it: Chromium's `--proxy-server` (WSS, the
   * broker's pages), and for main's HTTP client the answer Electron's `session.resolveProxy` gives for such
   * a setting (`PROXY host:port`), with the proxy credentials the person entered once. With `signInInApp`
   * main is given no credentials: the app asks for them (its proxy sign-in dialog) and keeps them in the
   * keychain; Chromium's own challenges are still answered with these by Playwright, standing in for
   * Electron's `login` event answering them from that keychain (Playwright takes proxy credentials only at
   * launch; electron/platform/proxy-login.ts has that path's tests).
   */
  proxy?: { server: string; username?: string; password?: string; signInInApp?: boolean };
  /** Starts the browser through this executable (e.g. one that joins a cgroup first), given Chromium's path. */
  chromiumWrapper?(chromium: string): Promise<string>;
  /** electron-updater for this instance (e2e/shell/updater.ts); without it updates show as unavailable. */
  updater?: HttpUpdater;
  /** The system browser (default: a new page in the same browser). */
  openExternal?(url: string): Promise<void>;
  /** How often main asks the provider's status page (default: the app's five minutes). */
  statusIntervalMs?: number;
}

export interface Shell {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  services: AppServices;
  /** OS notifications the app showed, with their buttons. */
  notifications: ShellNotifier;
  /** Hides the window as closing it does in the desktop app (the app keeps running); `show` brings it back. */
  hide(): Promise<void>;
  show(): Promise<void>;
  readonly hidden: boolean;
  close(): Promise<void>;
}

let bridgeScript: Promise<string> | null = null;

/** The bridge init script, bundled once per process from the same shared code the preload uses. */
function bundledBridge(): Promise<string> {
  bridgeScript ??= build({
    entryPoints: [join(repoRoot, 'e2e', 'shell', 'bridge-init.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return bridgeScript;
}

/** What Electron's session.resolveProxy answers with a fixed system proxy, and the proxy's credentials. */
function shellProxyRoutes(proxy: NonNullable<ShellOptions['proxy']>): ProxyRoutes {
  const server = new URL(proxy.server);
  const keyword = { 'https:': 'HTTPS', 'socks5:': 'SOCKS5' }[server.protocol] ?? 'PROXY';
  const credentials =
    proxy.username !== undefined && !proxy.signInInApp
      ? { username: proxy.username, password: proxy.password ?? '' }
      : null;
  return pacRoutes(
    async () => `${keyword} ${server.host}`,
    async (asked) =>
      asked.host === server.hostname && asked.port === proxyPort(server) ? credentials : null,
  );
}

function assetPath(url: string): string | null {
  const path = decodeURIComponent(new URL(url).pathname);
  const file = resolve(rendererDir, `.${path === '/' ? '/index.html' : path}`);
  return file.startsWith(`${rendererDir}/`) ? file : null;
}

export async function launchShell(options: ShellOptions): Promise<Shell> {
  await mkdir(options.dataDir, { recursive: true });
  const systemLocale = options.systemLocale ?? 'en-US';
  const keytar = createKeytarSecretStore({ service: options.secretService ?? 'secure-softphone-shell' });
  // The services probe the keychain; a test may stand a failing one in front of it.
  const secrets = options.wrapSecrets ? options.wrapSecrets(keytar) : keytar;
  const notifications = new ShellNotifier();
  const services = await createAppServices({
    dataDir: options.dataDir,
    policy: options.policy,
    systemLocale,
    runtime: 'shell',
    platform: process.platform,
    appName: 'Secure Softphone',
    appVersion: JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')).version,
    isTrustedSender: (url) => url.startsWith(`${SHELL_ORIGIN}/`),
    openExternal:
      options.openExternal ??
      (async (url) => {
        // The system browser of the shell is a new page in the same browser.
        const external = await context.newPage();
        await external.goto(url);
      }),
    secrets,
    notifier: notifications,
    chooseExportFolder: async () => {
      if (!options.exportDir) return null;
      await mkdir(options.exportDir, { recursive: true, mode: 0o700 });
      return options.exportDir;
    },
    ...(options.now && { now: options.now }),
    ...(options.proxy && { proxyRoutes: shellProxyRoutes(options.proxy) }),
    ...(options.updater && { updater: options.updater }),
    ...(options.statusIntervalMs !== undefined && { statusIntervalMs: options.statusIntervalMs }),
  });

  const ownsBrowser = options.browser === undefined;
  const browser =
    options.browser ??
    (await launchChromium({
      home: options.browserHome,
      headless: options.headless ?? true,
      extraArgs: options.chromiumArgs ?? [],
      microphone: options.microphone,
      proxy: options.proxy && {
        server: options.proxy.server,
        username: options.proxy.username,
        password: options.proxy.password,
      },
      wrapper: options.chromiumWrapper,
    }));
  const context = await browser.newContext({ locale: systemLocale, viewport: { width: 1100, height: 760 } });
  await context.route(`${SHELL_ORIGIN}/**`, async (route) => {
    const file = assetPath(route.request().url());
    const mimeType = file && mimeTypeOf(file);
    const body = file && mimeType ? await readFile(file).catch(() => null) : null;
    if (!body || !mimeType) return route.fulfill({ status: 404, body: 'not found' });
    // The same as Electron's app:// handler: the policy in force now, in the header and the page's meta tag.
    const csp = services.contentSecurityPolicy();
    const page = mimeType.startsWith('text/html') ? servePolicyInPage(body.toString('utf8'), csp) : body;
    await route.fulfill({ status: 200, body: page, headers: appResponseHeaders(csp, mimeType) });
  });
  await context.exposeBinding('__softphoneInvoke', (source, channel: unknown, input: unknown) =>
    services.router.handle(source.frame.url(), channel, input),
  );
  await context.addInitScript({ content: await bundledBridge() });

  const page = await context.newPage();
  const stopEvents = services.onEvent((event, payload) => {
    for (const p of context.pages()) {
      if (!p.url().startsWith(`${SHELL_ORIGIN}/`)) continue;
      p.evaluate(([name, data]) => window.__softphoneEvent(name, data), [event, payload] as const).catch(
        () => {
          // The page may be navigating or closing; it reloads state on start.
        },
      );
    }
  });
  await page.goto(`${SHELL_ORIGIN}/index.html`);

  let hidden = false;
  const setHidden = async (next: boolean) => {
    await page.evaluate((value) => window.__softphoneWindowHidden(value), next);
    hidden = next;
  };
  return {
    browser,
    context,
    page,
    services,
    notifications,
    hide: () => setHidden(true),
    show: () => setHidden(false),
    get hidden() {
      return hidden;
    },
    async close() {
      stopEvents();
      // Main's services stop even when the browser went first (it closes on Ctrl+C, say).
      try {
        await context.close();
        if (ownsBrowser) await browser.close();
      } finally {
        await services.dispose();
      }
    },
  };
}
