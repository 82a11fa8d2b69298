import type { Page } from 'playwright-core';
import { expect } from '@playwright/test';
import { setSipUser } from '../provider/kamailio.js';
import { readStackState } from './stack-state.js';

export interface SipUser {
  username: string;
  password: string;
  uri: string;
}

/** Creates a user on the test stack's registrar, unique to this test. */
export async function createSipUser(prefix: string): Promise<SipUser> {
  const state = readStackState();
  const username = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  await setSipUser(state.ctlSocket, username, password);
  return { username, password, uri: `sip:${username}@${state.sipDomain}` };
}

/** Enters the SIP account in Settings the way a person does, and returns to the Phone screen. */
export async function enterSipAccount(
  page: Page,
  user: SipUser,
  overrides: { password?: string } = {},
): Promise<void> {
  const state = readStackState();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Display name').fill(user.username);
  await page.getByLabel('SIP address').fill(user.uri);
  await page.getByLabel('Authorization user').fill(user.username);
  await page.getByLabel('Password').fill(overrides.password ?? user.password);
  await page.getByLabel('Server address (wss://)').fill(state.wssUrl);
  await page.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByText('The SIP account was saved.')).toBeVisible();
  await page.getByRole('link', { name: 'Phone' }).click();
}

export async function expectRegistered(page: Page): Promise<void> {
  await expect(page.getByRole('navigation').getByRole('status')).toHaveText('Ready', { timeout: 10_000 });
}

/** Peak deviation from silence of the call's received audio, measured with a WebAudio AnalyserNode. */
export async function receivedAudioLevel(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const audio = document.querySelector<HTMLAudioElement>('audio[data-call-id]');
    if (!audio?.srcObject) return -1;
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(audio.srcObject as MediaStream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let peak = 0;
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      analyser.getByteTimeDomainData(samples);
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await context.close();
    return peak;
  });
}
