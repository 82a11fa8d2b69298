import { expect, test } from './support/fixtures.js';
import { expectRegistered } from './support/phone.js';
import { completeAtBroker, providerPolicy, signInWithProviderAccount, signOut } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';
import { createTestClock } from './support/test-clock.js';

const HOUR = 60 * 60_000;

// Main's services run in this worker (the browser shell) and log to its stderr: the spec reads along, since
// a sign-in that Unlock replaced or the person cancelled is no error of the app.
let logged: string[] = [];
let restoreStderr: (() => void) | null = null;
test.beforeEach(() => {
  logged = [];
  const write = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    logged.push(String(chunk));
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  restoreStderr = () => void (process.stderr.write = write);
});
test.afterEach(() => restoreStderr?.());

test('a session older than policy allows unlocks only after signing in again at the broker', async ({
  openApp,
}) => {
  // Three rounds at the broker's pages, registration and sign-out: more than 30 s on a busy machine.
  test.setTimeout(90_000);
  const state = readStackState();
  // A user of this spec's own: sign-in.spec.ts may sign its users in at the same time.
  const user = state.signInUsers.sessionAge;
  const clock = createTestClock();
  const shell = await openApp({
    name: 'session-age',
    clock,
    // Sessions of one hour; the idle lock far beyond it, so that the hour below does not lock by itself.
    policy: providerPolicy(state, { sessionMaxAgeHours: 1, idleLockMinutes: 180 }),
  });
  const { page } = shell;
  const lockedHeading = page.getByRole('heading', { name: 'The app is locked' });
  await signInWithProviderAccount(shell, user);
  await expectRegistered(page);

  // An hour and ten seconds pass on this computer (only main's clock moves; the broker's stays real): the
  // session is just past the policy's maximum. Not much more: the broker's ID tokens live one hour, and
  // the app checks the next one against its own clock with 30 s of tolerance.
  clock.advance(HOUR + 10_000);
  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(lockedHeading).toBeVisible();
  await expect(page.getByText('Your session is older than your organisation allows')).toBeVisible();

  // Unlock alone does not unlock: main answers "still locked, sign in again" and opens the broker.
  const opened = shell.context.waitForEvent('page');
  await page.getByRole('button', { name: 'Unlock' }).click();
  const abandoned = await opened;
  await expect(
    page.getByRole('status').filter({ hasText: 'Please sign in again in your browser' }),
  ).toBeVisible();
  await expect(lockedHeading).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(page.getByText(user.name)).toHaveCount(0);
  // Nor does pressing it again after closing the broker's page: the broker opens again, and the sign-in
  // it replaces is no failure (nothing to report on the lock screen).
  await expect(abandoned.getByLabel('Password')).toBeVisible();
  await abandoned.close();
  const reopened = shell.context.waitForEvent('page');
  await page.getByRole('button', { name: 'Unlock' }).click();
  const cancelled = await reopened;
  await expect(lockedHeading).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(cancelled.getByLabel('Password')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Cancel at the broker: the lock screen says why it is still locked (an alert), the wait ends, and
  // Unlock tries again.
  await cancelled.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The app is still locked. Sign-in was cancelled. Press Unlock to try again.',
  );
  await expect(page.getByRole('status').filter({ hasText: 'Please sign in again' })).toHaveCount(0);
  await expect(lockedHeading).toBeVisible();
  await expect(page.getByRole('navigation')).toHaveCount(0);
  const retried = shell.context.waitForEvent('page');
  await page.getByRole('button', { name: 'Unlock' }).click();
  const broker = await retried;
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(lockedHeading).toBeVisible();

  // The broker asks for the password again (prompt=login) although its session cookie from the first
  // sign-in is still in this browser; password and code again, and the app unlocks.
  await expect(broker.getByLabel('Password')).toBeVisible();
  await completeAtBroker(broker, user);
  await expect(page.getByRole('heading', { name: 'Phone' })).toBeVisible();
  await expectRegistered(page);

  // The session counts from the new authentication: within its age, Unlock needs no browser again.
  const pages = shell.context.pages().length;
  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(lockedHeading).toBeVisible();
  await expect(page.getByText('Your session is older than your organisation allows')).toHaveCount(0);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Phone' })).toBeVisible();
  expect(shell.context.pages()).toHaveLength(pages);

  // The audit log tells the same: the unlock was refused three times for the session's age (the second
  // sign-in cancelled at the broker), then granted after the fresh authentication, then granted without one.
  const unlocks = await shell.services.audit.search({
    types: ['session.expired', 'session.unlocked', 'auth.signInFailed'],
    limit: 10,
  });
  expect(unlocks.map(({ type, details }) => ({ type, details })).reverse()).toEqual([
    { type: 'session.expired', details: { maxAgeHours: 1 } },
    { type: 'session.expired', details: { maxAgeHours: 1 } },
    { type: 'auth.signInFailed', details: { method: 'provider', reason: 'cancelled' } },
    { type: 'session.expired', details: { maxAgeHours: 1 } },
    { type: 'session.unlocked', details: { reauthenticated: true } },
    { type: 'session.unlocked', details: { reauthenticated: false } },
  ]);
  expect(logged.filter((line) => line.includes('Signing in again to unlock failed'))).toEqual([]);
  await signOut(shell);
});
