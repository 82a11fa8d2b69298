import { chromium, type Browser } from 'playwright-core';

export interface ChromiumOptions {
  /** HOME for the browser: its NSS database decides which CAs are trusted. */
  home: string;
  headless?: boolean;
  extraArgs?: string[];
  /** Whether the app may use the (fake) microphone: granted without a prompt, or refused like a denied prompt. */
  microphone?: 'granted' | 'denied';
  /**
   * The company's proxy (`--proxy-server`): Playwright proxies loopback too (`<-loopback>`) and answers the
   * proxy's credentials challenge, as Electron's `login` event or the system's prompt would.
   */
  proxy?: { server: string; username?: string; password?: string };
  /** Starts Chromium through this executable (e.g. one that first joins a cgroup), with Chromium's path. */
  wrapper?(chromium: string): Promise<string>;
  /** 'fake' (default): Chromium's test devices (its microphone beeps); 'real': the computer's own. */
  mediaDevices?: 'fake' | 'real';
  /** Whether Playwright closes the browser itself on Ctrl+C and the like (default); false: the caller does. */
  handleSignals?: boolean;
  /**
   * Whether the browser joins the D-Bus session bus of this process (default). The browser needs none, and
   * one that ends before the browser (a private bus, stopped first) makes it abort.
   */
  sessionBus?: boolean;
}

/** Debian's Chromium with the flags WebRTC tests need on loopback (FIELD-NOTES). */
export async function launchChromium(options: ChromiumOptions): Promise<Browser> {
  const args = [
    options.microphone === 'denied' ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream',
    ...(options.mediaDevices === 'real' ? [] : ['--use-fake-device-for-media-stream']),
    '--allow-loopback-in-peer-connection',
    // One --disable-features flag only (Chromium honours the last). Local Network Access checks would
    // block the shell's origin from the test stack on 127.0.0.1, which stands in for a public provider.
    '--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--autoplay-policy=no-user-gesture-required',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ...(options.extraArgs ?? []),
  ];
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: options.home };
  if (options.sessionBus === false) delete env.DBUS_SESSION_BUS_ADDRESS;
  return chromium.launch({
    executablePath: options.wrapper ? await options.wrapper(executable) : executable,
    headless: options.headless ?? true,
    handleSIGINT: options.handleSignals ?? true,
    handleSIGTERM: options.handleSignals ?? true,
    handleSIGHUP: options.handleSignals ?? true,
    env,
    args,
    ...(options.proxy && { proxy: options.proxy }),
  });
}
