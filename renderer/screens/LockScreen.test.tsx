import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName, EventName, SessionLockState } from '../../shared/ipc/contract';
import { applyLanguage } from '../i18n/i18n';
import { usePhoneStore } from '../state/phone-store';
import { callView, phoneDouble } from '../../testing/phone/phone-double';
import { useSessionLockStore, watchActivity } from '../state/session-lock-store';
import { LockScreen } from './LockScreen';

const ringing = callView();

/** Main as the lock screen sees it: unlocking answers `unlockAnswer`; `emit` pushes an event. */
function fakeMain(unlockAnswer: SessionLockState) {
  const calls: Array<{ channel: ChannelName; input: unknown }> = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      if (channel === 'session.lockState')
        return { ok: true, value: { locked: true, reauthRequired: unlockAnswer.reauthRequired } as never };
      if (channel === 'session.unlock') return { ok: true, value: unlockAnswer as never };
      return { ok: true, value: undefined as never };
    },
    on: (event, listener) => {
      listeners.set(event, listener as (payload: unknown) => void);
      return () => void listeners.delete(event);
    },
  };
  const emit = (event: EventName, payload: unknown) => act(() => listeners.get(event)?.(payload));
  return { bridge, calls, emit };
}

const engine = phoneDouble();

async function open(unlockAnswer: SessionLockState) {
  const main = fakeMain(unlockAnswer);
  window.softphone = main.bridge;
  await useSessionLockStore.getState().load();
  render(<LockScreen />);
  return main;
}

beforeEach(async () => {
  await applyLanguage('en');
  engine.answer.mockClear();
  useSessionLockStore.setState({
    locked: false,
    reauthRequired: false,
    error: null,
    reauthenticating: false,
    unlockFailure: null,
  });
  usePhoneStore.setState({ calls: [ringing], engine: () => engine });
});
afterEach(() => {
  cleanup();
  usePhoneStore.setState({ calls: [] });
  delete window.softphone;
});

describe('LockScreen', () => {
  it('hides the caller of a ringing call, which can still be answered', async () => {
    const main = await open({ locked: false, reauthRequired: false });
    const user = userEvent.setup();
    expect(screen.getByRole('heading', { name: 'The app is locked' })).toBeTruthy();
    expect(screen.getByText('Incoming call')).toBeTruthy();
    const text = document.body.textContent ?? '';
    expect(text).not.toContain('Erika');
    expect(text).not.toContain('1701234567');
    await user.click(screen.getByRole('button', { name: 'Answer' }));
    expect(engine.answer).toHaveBeenCalledWith('call-1');
    // The OS notification names nobody either.
    const notice = main.calls.find((c) => c.channel === 'call.notifyIncoming')?.input;
    expect(JSON.stringify(notice)).not.toMatch(/Erika|1701234567/);
    expect(notice).toMatchObject({ title: 'Incoming call' });
  });

  it('reports input to main at most every 30 seconds', () => {
    const main = fakeMain({ locked: false, reauthRequired: false });
    window.softphone = main.bridge;
    let time = 0;
    const stop = watchActivity(window, () => time);
    window.dispatchEvent(new KeyboardEvent('keydown'));
    time = 10_000;
    window.dispatchEvent(new KeyboardEvent('keydown'));
    time = 30_000;
    window.dispatchEvent(new KeyboardEvent('keydown'));
    stop();
    time = 90_000;
    window.dispatchEvent(new KeyboardEvent('keydown'));
    expect(main.calls.filter((c) => c.channel === 'session.activity')).toHaveLength(2);
  });

  it('asks main to unlock', async () => {
    const main = await open({ locked: false, reauthRequired: false });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(main.calls.map((c) => c.channel)).toContain('session.unlock');
    expect(useSessionLockStore.getState().locked).toBe(false);
  });

  it('says that unlocking needs sign-in again beyond the session age, in formal German', async () => {
    await act(() => applyLanguage('de'));
    await open({ locked: true, reauthRequired: true });
    const user = userEvent.setup();
    expect(screen.getByText(/Anmeldung in Ihrem Browser/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Entsperren' }));
    expect(screen.getByRole('status').textContent).toContain('melden Sie sich in Ihrem Browser erneut an');
  });

  it('says why signing in again did not unlock, as an alert, and Unlock tries again', async () => {
    const main = await open({ locked: true, reauthRequired: true });
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(screen.getByRole('status').textContent).toContain('Please sign in again in your browser');
    expect(screen.queryByRole('alert')).toBeNull();

    // Main reports the failure with the lock state: the wait for the browser ends, the reason shows.
    main.emit('session.lockChanged', { locked: true, reauthRequired: true, unlockFailure: 'mfa-missing' });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The app is still locked.');
    expect(alert.textContent).toContain('Your organisation requires a second factor');
    expect(alert.textContent).toContain('Press Unlock to try again.');
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('heading', { name: 'The app is locked' })).toBeTruthy();

    // Unlock is usable again: pressing it (by keyboard) clears the reason and waits for the browser again.
    screen.getByRole('button', { name: 'Unlock' }).focus();
    await user.keyboard('{Enter}');
    expect(main.calls.filter((c) => c.channel === 'session.unlock')).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toContain('Please sign in again in your browser');

    // Another account signed in: refused, with its own reason.
    main.emit('session.lockChanged', { locked: true, reauthRequired: true, unlockFailure: 'wrong-account' });
    expect(screen.getByRole('alert').textContent).toContain('a different account');

    // Unlocking at last clears it.
    main.emit('session.lockChanged', { locked: false, reauthRequired: false });
    expect(useSessionLockStore.getState()).toMatchObject({
      locked: false,
      unlockFailure: null,
      reauthenticating: false,
    });
  });

  it('gives up signing in again with Cancel, which main reports as a cancelled sign-in', async () => {
    const main = await open({ locked: true, reauthRequired: true });
    const user = userEvent.setup();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(main.calls.at(-1)?.channel).toBe('session.cancelUnlock');
    main.emit('session.lockChanged', { locked: true, reauthRequired: true, unlockFailure: 'cancelled' });
    expect(screen.getByRole('alert').textContent).toContain('Sign-in was cancelled.');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.getByRole('heading', { name: 'The app is locked' })).toBeTruthy();
  });

  it('names a cancelled sign-in in formal German', async () => {
    await act(() => applyLanguage('de'));
    const main = await open({ locked: true, reauthRequired: true });
    await userEvent.setup().click(screen.getByRole('button', { name: 'Entsperren' }));
    main.emit('session.lockChanged', { locked: true, reauthRequired: true, unlockFailure: 'cancelled' });
    expect(screen.getByRole('alert').textContent).toBe(
      'Die App bleibt gesperrt. Die Anmeldung wurde abgebrochen. Wählen Sie „Entsperren“, um es erneut zu versuchen.',
    );
  });

  it('keeps a failure that main reported before its answer to Unlock arrived', async () => {
    const main = fakeMain({ locked: true, reauthRequired: true });
    let answer: (() => void) | null = null;
    const invoke = main.bridge.invoke;
    main.bridge.invoke = async (channel, input) => {
      if (channel === 'session.unlock') await new Promise<void>((resolve) => (answer = resolve));
      return invoke(channel, input);
    };
    window.softphone = main.bridge;
    await useSessionLockStore.getState().load();
    render(<LockScreen />);
    const pressed = useSessionLockStore.getState().unlock();
    main.emit('session.lockChanged', { locked: true, reauthRequired: true, unlockFailure: 'network' });
    await act(async () => {
      answer!();
      await pressed;
    });
    expect(screen.getByRole('alert').textContent).toContain('Your provider could not be reached');
    expect(screen.queryByRole('status')).toBeNull();
  });
});
