import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignInState } from '../../shared/domain/identity';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName, EventName } from '../../shared/ipc/contract';
import { resolvePolicy, type PolicyFile } from '../../shared/policy/schema';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { usePhoneStore } from '../state/phone-store';
import { useSignInStore } from '../state/sign-in-store';
import { SignInScreen } from './SignInScreen';

const PROVIDER = {
  issuer: 'https://login.provider.example',
  clientId: 'secure-softphone-desktop',
  wssUrl: 'wss://sip.provider.example',
  apiBaseUrl: 'https://api.provider.example',
};

/** Main as the sign-in screen sees it: records the calls, and the test pushes `signIn.changed`. */
function fakeMain() {
  const calls: Array<{ channel: ChannelName; input: unknown }> = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      if (channel === 'signIn.state') return { ok: true, value: { status: 'signed-out' } as never };
      if (channel === 'signIn.clockSkew') return { ok: true, value: { seconds: 0 } as never };
      return { ok: true, value: undefined as never };
    },
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  return {
    bridge,
    calls,
    emit(event: EventName, payload: unknown) {
      act(() => {
        for (const listener of listeners.get(event) ?? []) listener(payload);
      });
    },
    change(state: SignInState) {
      this.emit('signIn.changed', state);
    },
  };
}

async function open(policy: PolicyFile = { provider: PROVIDER }) {
  const main = fakeMain();
  window.softphone = main.bridge;
  useAppStore.setState({ screen: 'signIn', policy: resolvePolicy(policy) });
  await useSignInStore.getState().load();
  render(<SignInScreen />);
  return main;
}

beforeEach(async () => {
  await applyLanguage('en');
  useSignInStore.setState({ state: { status: 'signed-out' }, clockSkew: null, requestError: null });
  usePhoneStore.setState({ registration: { state: 'offline' } });
});
afterEach(() => {
  cleanup();
  delete window.softphone;
});

describe('SignInScreen', () => {
  it('starts a sign-in, shows its progress with a focused Cancel, and the cancellation as an alert', async () => {
    const main = await open();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Continue with Google' }));
    expect(main.calls.at(-1)).toEqual({ channel: 'signIn.start', input: { method: 'google' } });
    main.change({ status: 'in-progress', method: 'google' });
    expect(screen.getByRole('status').textContent).toContain('Continue in your browser');
    expect(screen.getByRole('button', { name: 'Continue with Google' })).toHaveProperty('disabled', true);
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    expect(document.activeElement).toBe(cancel);
    await user.keyboard('{Enter}');
    expect(main.calls.at(-1)?.channel).toBe('signIn.cancel');
    main.change({ status: 'error', reason: 'cancelled', method: 'google' });
    expect(screen.getByRole('alert').textContent).toBe('Sign-in was cancelled.');
  });

  it('company SSO sends the work e-mail address', async () => {
    const main = await open();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Work e-mail address'), 'carla@company.example');
    await user.click(screen.getByRole('button', { name: 'Continue with company SSO' }));
    expect(main.calls.at(-1)).toEqual({
      channel: 'signIn.start',
      input: { method: 'company', email: 'carla@company.example' },
    });
  });

  it('explains a refused token without a second factor in German, formally', async () => {
    const main = await open();
    await act(() => applyLanguage('de'));
    main.change({ status: 'error', reason: 'mfa-missing', method: 'google' });
    expect(screen.getByRole('alert').textContent).toMatch(/^Ihre Organisation verlangt einen zweiten Faktor/);
    expect(screen.getByRole('alert').textContent).toContain('Richten Sie');
  });

  it('names the missing evidence for the IT department, in English and German', async () => {
    const main = await open();
    main.change({
      status: 'error',
      reason: 'mfa-missing',
      method: 'company',
      mfa: { amr: [], acr: '1', acceptedAmr: ['mfa', 'otp'], acceptedAcr: ['gold'] },
    });
    expect(screen.getByRole('alert').textContent).toContain(
      'For your IT department: the sign-in showed no authentication methods (amr absent) and the level (acr) 1; your organisation accepts amr mfa, otp or acr gold.',
    );
    await act(() => applyLanguage('de'));
    main.change({
      status: 'error',
      reason: 'mfa-missing',
      method: 'company',
      mfa: { amr: ['pwd'], acr: null, acceptedAmr: ['otp'], acceptedAcr: [] },
    });
    expect(screen.getByRole('alert').textContent).toContain(
      'Für Ihre IT-Abteilung: Die Anmeldung zeigte die Anmeldeverfahren (amr) pwd und keine Stufe (acr fehlt); Ihre Organisation akzeptiert amr otp.',
    );
  });

  it('says why a session ended without a sign-out: expired tokens, or the provider ended it', async () => {
    const main = await open();
    main.change({ status: 'signed-out', ended: 'expired' });
    expect(screen.getByRole('status').textContent).toBe('Your sign-in has expired. Please sign in again.');
    main.change({ status: 'signed-out', ended: 'revoked' });
    expect(screen.getByRole('status').textContent).toContain('ended by your provider');
    main.change({ status: 'signed-out' });
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('goes to the phone once signed in and registered', async () => {
    const main = await open();
    main.change({
      status: 'signed-in',
      user: { name: 'Paula', email: 'paula@provider.example', roles: ['admin'], method: 'provider' },
    });
    expect(screen.getByRole('status').textContent).toContain('Signed in as Paula');
    expect(useAppStore.getState().screen).toBe('signIn');
    act(() => usePhoneStore.setState({ registration: { state: 'registered' } }));
    expect(useAppStore.getState().screen).toBe('phone');
  });

  it('warns about a clock more than a minute off, and hides the way around sign-in when policy says so', async () => {
    const main = await open({ provider: PROVIDER, allowManualSipAccount: false });
    expect(screen.queryByRole('button', { name: 'Continue without signing in' })).toBeNull();
    main.emit('signIn.clockSkew', { seconds: 45 });
    expect(screen.queryByRole('alert')).toBeNull();
    main.emit('signIn.clockSkew', { seconds: -185 });
    expect(screen.getByRole('alert').textContent).toContain(
      "differs from your provider's by about 3 minutes",
    );
  });
});
