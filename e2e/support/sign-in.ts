import type { Page } from 'playwright-core';
import { expect } from '@playwright/test';
import type { TestAccount } from '../provider/login-broker.js';
import { totpNow } from '../provider/oidc-test-client.js';
import type { Shell } from '../shell/shell.js';
import type { StackState } from './stack-state.js';

/** A policy that points the app at the stack's login broker and provider API. */
export function providerPolicy(state: StackState, extra: object = {}) {
  return {
    provider: {
      issuer: state.issuerUrl,
      clientId: state.oidcClientId,
      wssUrl: state.wssUrl,
      apiBaseUrl: state.apiBaseUrl,
    },
    companyDomains: ['company.example'],
    ...extra,
  };
}

/** Types what the person types into the broker's pages: user name, password, then the second factor. */
export async function completeAtBroker(broker: Page, user: TestAccount): Promise<void> {
  await broker.getByLabel('User name').fill(user.username);
  await broker.getByLabel('Password').fill(user.password);
  await broker.getByRole('button', { name: 'Sign in' }).click();
  if (user.secondFactor === 'otp') {
    await expect(broker.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
    await broker.getByLabel('Authentication code').fill(totpNow(user.totpSecret!));
    await broker.getByRole('button', { name: 'Verify' }).click();
  } else if (user.secondFactor === 'hwk') {
    await broker.getByRole('button', { name: 'Use security key' }).click();
  }
}

/** Signs in with a provider account (a user whose `upstream` is 'provider') through the broker's pages. */
export async function signInWithProviderAccount(shell: Shell, user: TestAccount): Promise<void> {
  const opened = shell.context.waitForEvent('page');
  await shell.page.getByRole('button', { name: 'Provider account' }).click();
  const broker = await opened;
  await expect(shell.page.getByRole('status').filter({ hasText: 'Continue in your browser' })).toBeVisible();
  await completeAtBroker(broker, user);
}

/** Signs out in Settings: the provider removes the SIP user and its registrations at the edge. */
export async function signOut(shell: Shell): Promise<void> {
  await shell.page.getByRole('link', { name: 'Settings' }).click();
  await shell.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(shell.page.getByText('You are not signed in.')).toBeVisible();
}
