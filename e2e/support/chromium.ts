import { chromium, type Browser } from 'playwright-core';

export interface ChromiumOptions {
  /** HOME for the browser: its NSS database decides which CAs are trusted. */
  home: string;
  headless?: boolean;
  extraArgs?: string[];
  /** Whether the app may use the (fake) microphone: granted without a prompt, or refused like a denied prompt. */
  microphone?: 'granted' | 'denied';
}

/** Debian's Chromium with the flags WebRTC tests need on loopback (FIELD-NOTES). */
export function launchChromium(options: ChromiumOptions): Promise<Browser> {
  const args = [
    options.microphone === 'denied' ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
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
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: options.headless ?? true,
    env: { ...process.env, HOME: options.home },
    args,
  });
}
