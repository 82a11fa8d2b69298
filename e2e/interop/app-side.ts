import type { Locator, Page } from 'playwright-core';
import { expect } from '@playwright/test';
import type { RegisteredPhone } from '../support/phone.js';

/** The app's call card for a call with this SIP user. */
export function callCard(app: RegisteredPhone, peerUsername: string): Locator {
  return app.page.getByRole('region', { name: new RegExp(`^Call with ${peerUsername}`) });
}

/** The app dials a SIP address through its dial field. */
export async function appDials(app: RegisteredPhone, uri: string): Promise<void> {
  await app.page.getByRole('link', { name: 'Phone' }).click();
  await app.page.getByLabel('Number or SIP address').fill(uri);
  await app.page.getByRole('button', { name: 'Call', exact: true }).click();
}

export async function expectConnected(card: Locator): Promise<void> {
  await expect(card.getByRole('status').first()).toContainText('Connected', { timeout: 15_000 });
}

/**
 * Peak deviation from silence of what the app plays for its calls, over 1.5 s (WebAudio AnalyserNode on
 * every call audio element that has a live track); -1 without one.
 */
export function callAudioLevel(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const streams = [...document.querySelectorAll<HTMLAudioElement>('audio[data-call-id]')]
      .map((audio) => audio.srcObject)
      .filter(
        (stream): stream is MediaStream =>
          stream instanceof MediaStream &&
          stream.getAudioTracks().some((track) => track.readyState === 'live'),
      );
    if (streams.length === 0) return -1;
    const context = new AudioContext();
    await context.resume();
    const analysers = streams.map((stream) => {
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      context.createMediaStreamSource(stream).connect(analyser);
      return analyser;
    });
    const samples = new Uint8Array(2048);
    let peak = 0;
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      for (const analyser of analysers) {
        analyser.getByteTimeDomainData(samples);
        for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await context.close();
    return peak;
  });
}

/** The far end's audio reaches the app (measured on what it plays), or stops reaching it. */
export async function expectAppHears(page: Page, hears = true): Promise<void> {
  const poll = expect.poll(() => callAudioLevel(page), { timeout: 15_000 });
  await (hears ? poll.toBeGreaterThan(5) : poll.toBeLessThan(3));
}

/** The app presses the keypad keys of `digits` on the call card. */
export async function appSendsDigits(card: Locator, digits: string[]): Promise<void> {
  await card.getByRole('button', { name: 'Keypad' }).click();
  for (const digit of digits) await card.getByRole('button', { name: digit, exact: true }).click();
  await card.getByRole('button', { name: 'Keypad' }).click();
}

/** A call that ended is gone from the dock within `ms` and listed in History with `outcome`. */
export async function expectEndedVisibly(
  app: RegisteredPhone,
  card: Locator,
  outcome: RegExp,
  ms = 5_000,
): Promise<void> {
  await expect(card).toHaveCount(0, { timeout: ms });
  await app.page.getByRole('link', { name: /^History/ }).click();
  await expect(app.page.getByRole('main').getByRole('listitem').first()).toContainText(outcome);
  await app.page.getByRole('link', { name: 'Phone' }).click();
}
