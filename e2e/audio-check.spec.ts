import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';
import { registeredPhone, toneLevel } from './support/phone.js';

// Settings › Audio check with Chromium's fake devices: the fake microphone plays a beep, which the level
// meter must show; the test sound and the ringtone preview must be audible on their audio element.

/** Peak deviation from silence (0–128) of what the first element matching `selector` plays, over `ms`. */
function audibleLevel(page: Page, selector: string, ms: number): Promise<number> {
  return page.evaluate(
    async ([query, duration]) => {
      const until = performance.now() + duration;
      let peak = 0;
      while (performance.now() < until) {
        const element = document.querySelector<HTMLAudioElement>(query);
        if (element?.srcObject) {
          const context = new AudioContext();
          const analyser = context.createAnalyser();
          context.createMediaStreamSource(element.srcObject as MediaStream).connect(analyser);
          const samples = new Uint8Array(analyser.fftSize);
          while (performance.now() < until && element.isConnected) {
            analyser.getByteTimeDomainData(samples);
            for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
            await new Promise((resolve) => setTimeout(resolve, 30));
          }
          await context.close();
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return peak;
    },
    [selector, ms] as const,
  );
}

test('the microphone meter moves, the test sound plays on the speaker, and the ringtone preview plays', async ({
  openApp,
}) => {
  const { page } = await openApp();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  const check = page.getByRole('region', { name: 'Audio check' });

  const meter = check.getByRole('meter');
  await expect(meter).toHaveAttribute('aria-valuenow', '0');
  await check.getByRole('button', { name: 'Test microphone' }).click();
  await expect(check.getByRole('button', { name: 'Test microphone' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect
    .poll(async () => Number(await meter.getAttribute('aria-valuenow')), { timeout: 10_000 })
    .toBeGreaterThan(20);
  await check.getByRole('button', { name: 'Test microphone' }).click();
  await expect(meter).toHaveAttribute('aria-valuenow', '0');

  const played = audibleLevel(page, 'audio[data-test-sound]', 1500);
  await check.getByRole('button', { name: 'Play test sound' }).click();
  await expect(check.getByRole('status')).toHaveText('Playing on System default…');
  expect(await played).toBeGreaterThan(10);
  await expect(check.getByRole('status')).toContainText('Played on System default. Heard nothing?');

  await check.getByLabel('Ringtone', { exact: true }).selectOption({ label: 'Chime' });
  await check.getByRole('button', { name: 'Play ringtone' }).click();
  expect(await audibleLevel(page, 'audio[data-tone="ringtone"]', 3000)).toBeGreaterThan(5);
  await check.getByRole('button', { name: 'Play ringtone' }).click();
  await expect(page.locator('audio[data-tone]')).toHaveCount(0);
});

test('an incoming call rings with the chosen ringtone at the chosen volume', async ({ openApp }) => {
  test.setTimeout(60_000);
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const ring = async () => {
    await alice.page.getByLabel('Number or SIP address').fill(bob.user.uri);
    await alice.page.getByRole('button', { name: 'Call', exact: true }).click();
    const incoming = bob.page.getByRole('region', { name: `Call with ${alice.user.username}` });
    await expect(incoming.getByRole('status').first()).toHaveText('Incoming call');
    const level = await toneLevel(bob.page);
    await incoming.getByRole('button', { name: 'Decline' }).click();
    await expect(incoming).toHaveCount(0);
    return level;
  };
  const loud = await ring();

  await bob.page.getByRole('link', { name: 'Settings' }).click();
  const volume = bob.page.getByLabel('Ringtone volume');
  await volume.fill('20');
  await expect(volume).toHaveValue('20');
  await bob.page.getByLabel('Ringtone', { exact: true }).selectOption({ label: 'Soft' });
  await bob.page.getByRole('link', { name: 'Phone' }).click();
  const quiet = await ring();
  expect(loud).toBeGreaterThan(10);
  // 20 % volume is (0.2)² of the amplitude: the soft ringtone at 20 % is barely above silence.
  expect(quiet).toBeGreaterThan(0);
  expect(quiet).toBeLessThan(loud / 5);
});
