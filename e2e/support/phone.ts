import type { Locator, Page } from 'playwright-core';
import type { Shell } from '../shell/shell.js';
import type { OpenAppOptions } from './fixtures.js';
import { expect } from '@playwright/test';
import { setSipUser } from '../provider/kamailio.js';
import { readStackState } from './stack-state.js';

export interface SipUser {
  username: string;
  password: string;
  uri: string;
}

/** Creates a user on the test stack's registrar, unique to this test. */
export async function createSipUser(
  prefix: string,
  ctlSocket = readStackState().ctlSocket,
): Promise<SipUser> {
  const state = readStackState();
  const username = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  await setSipUser(ctlSocket, username, password);
  return { username, password, uri: `sip:${username}@${state.sipDomain}` };
}

/** Enters the SIP account in Settings the way a person does, and returns to the Phone screen. */
export async function enterSipAccount(
  page: Page,
  user: SipUser,
  overrides: { password?: string; wssUrl?: string } = {},
): Promise<void> {
  const state = readStackState();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Display name').fill(user.username);
  await page.getByLabel('SIP address').fill(user.uri);
  await page.getByLabel('Authorization user').fill(user.username);
  await page.getByLabel('Password').fill(overrides.password ?? user.password);
  await page.getByLabel('Server address (wss://)').fill(overrides.wssUrl ?? state.wssUrl);
  await page.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByText('The SIP account was saved.')).toBeVisible();
  await page.getByRole('link', { name: 'Phone' }).click();
}

/**
 * The call's media leg is DTLS-SRTP: the security details, opened from the claim's button as a person does,
 * say the key exchange completed and name an AES cipher. They close again afterwards.
 */
export async function expectDtlsSrtp(call: Locator): Promise<void> {
  const badge = call.getByRole('button', { name: /\(details\)$/ });
  await badge.click();
  const details = call.locator('.call-details');
  await expect(details).toContainText(/Key exchange \(DTLS\)\s*completed/);
  await expect(details).toContainText(/Audio encryption \(SRTP\)\s*AES/);
  await badge.click();
  await expect(details).toHaveCount(0);
}

export async function expectRegistered(page: Page): Promise<void> {
  await expect(page.getByRole('navigation').getByRole('status')).toHaveText('Ready', { timeout: 10_000 });
}

/**
 * Peak deviation from silence of what the first audio element matching `selector` plays, measured for
 * `ms` with a WebAudio AnalyserNode; -1 without such an element.
 */
function playedAudioLevel(page: Page, selector: string, ms: number): Promise<number> {
  return page.evaluate(
    async ([query, duration]) => {
      const audio = document.querySelector<HTMLAudioElement>(query);
      if (!audio?.srcObject) return -1;
      const context = new AudioContext();
      await context.resume();
      const analyser = context.createAnalyser();
      analyser.fftSize = 2048;
      context.createMediaStreamSource(audio.srcObject as MediaStream).connect(analyser);
      const samples = new Uint8Array(analyser.fftSize);
      let peak = 0;
      const until = performance.now() + duration;
      while (performance.now() < until) {
        analyser.getByteTimeDomainData(samples);
        for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await context.close();
      return peak;
    },
    [selector, ms] as const,
  );
}

/** Peak deviation from silence of the call's received audio. */
export function receivedAudioLevel(page: Page): Promise<number> {
  return playedAudioLevel(page, 'audio[data-call-id]', 1500);
}

/** Peak deviation from silence of the call-progress tone over one ringtone cadence (3 s) and a bit. */
export function toneLevel(page: Page): Promise<number> {
  return playedAudioLevel(page, 'audio[data-tone]', 3200);
}

export interface TwoPhones {
  alice: SipUser;
  bob: SipUser;
  a: Page;
  b: Page;
}

/** Two app instances with their own registered SIP users. */
export async function twoRegisteredPhones(
  openApp: (options?: OpenAppOptions) => Promise<Shell>,
  edge: { ctlSocket?: string; wssUrl?: string } = {},
): Promise<TwoPhones> {
  const [alice, bob] = [
    await createSipUser('alice', edge.ctlSocket),
    await createSipUser('bob', edge.ctlSocket),
  ];
  const a = (await openApp({ name: 'alice' })).page;
  const b = (await openApp({ name: 'bob' })).page;
  await enterSipAccount(a, alice, { wssUrl: edge.wssUrl });
  await enterSipAccount(b, bob, { wssUrl: edge.wssUrl });
  await expectRegistered(a);
  await expectRegistered(b);
  return { alice, bob, a, b };
}

export interface CallPanels {
  outgoing: Locator;
  incoming: Locator;
}

/**
 * `caller` dials `uri` through the dial field; returns both call cards once `callee` sees the incoming
 * call (its card named `incomingName`).
 */
export async function dialFrom(
  caller: Page,
  callee: Page,
  uri: string,
  incomingName: string | RegExp = /^Call with /,
): Promise<CallPanels> {
  await caller.getByLabel('Number or SIP address').fill(uri);
  await caller.getByRole('button', { name: 'Call', exact: true }).click();
  const incoming = callee.getByRole('region', { name: incomingName });
  await expect(incoming.getByRole('status').first()).toHaveText('Incoming call');
  return { outgoing: caller.getByRole('region', { name: /^Call with / }), incoming };
}

/** The callee answers a ringing call; returns once both sides say Connected. */
export async function answered(call: CallPanels): Promise<CallPanels> {
  await call.incoming.getByRole('button', { name: 'Answer' }).click();
  await expect(call.outgoing.getByRole('status').first()).toContainText('Connected');
  await expect(call.incoming.getByRole('status').first()).toContainText('Connected');
  return call;
}

/** Alice calls Bob through the dial field; returns both call cards once Bob sees the incoming call. */
export function dial(phones: TwoPhones): Promise<CallPanels> {
  return dialFrom(phones.a, phones.b, phones.bob.uri, `Call with ${phones.alice.username}`);
}

/** A call from Alice to Bob, answered and connected on both sides. */
export async function connectedCall(phones: TwoPhones): Promise<CallPanels> {
  return answered(await dial(phones));
}

export interface RegisteredPhone {
  user: SipUser;
  page: Page;
  shell: Shell;
}

/** One app instance with its own registered SIP user (a third party for transfers and conferences). */
export async function registeredPhone(
  openApp: (options?: OpenAppOptions) => Promise<Shell>,
  prefix: string,
  options: OpenAppOptions = {},
): Promise<RegisteredPhone> {
  const user = await createSipUser(prefix);
  const shell = await openApp({ name: prefix, ...options });
  await enterSipAccount(shell.page, user);
  await expectRegistered(shell.page);
  return { user, page: shell.page, shell };
}

/** `from` dials `to` and `to` answers; returns the call cards on both sides once both say Connected. */
export async function callAndAnswer(
  from: RegisteredPhone,
  to: RegisteredPhone,
): Promise<{ caller: Locator; callee: Locator }> {
  await from.page.getByRole('link', { name: 'Phone' }).click();
  await from.page.getByLabel('Number or SIP address').fill(to.user.uri);
  await from.page.getByRole('button', { name: 'Call', exact: true }).click();
  const callee = to.page.getByRole('region', { name: `Call with ${from.user.username}` });
  await callee.getByRole('button', { name: 'Answer' }).click();
  const caller = from.page.getByRole('region', { name: `Call with ${to.user.username}` });
  await expect(caller.getByRole('status').first()).toContainText(/Connected|In conference/);
  await expect(callee.getByRole('status').first()).toContainText('Connected');
  return { caller, callee };
}

/** Whether a call-progress tone (ringback, ringtone, callWaiting) is playing on the page. */
export function playingTone(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const tone = document.querySelector<HTMLAudioElement>('audio[data-tone]');
    return tone && !tone.paused ? (tone.dataset.tone ?? null) : null;
  });
}
