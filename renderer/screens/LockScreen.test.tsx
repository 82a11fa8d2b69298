import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName, SessionLockState } from '../../shared/ipc/contract';
import { applyLanguage } from '../i18n/i18n';
import type { CallView, PhoneEngine } from '../phone/engine';
import { usePhoneStore } from '../state/phone-store';
import { useSessionLockStore, watchActivity } from '../state/session-lock-store';
import { LockScreen } from './LockScreen';

const ringing: CallView = {
  id: 'call-1',
  direction: 'incoming',
  remoteUri: 'sip:+491701234567@sip.provider.example',
  remoteName: 'Erika Mustermann',
  state: 'incoming',
  muted: false,
  heldLocally: false,
  heldRemotely: false,
  startedAt: 0,
  answeredAt: null,
  encryption: null,
  sas: null,
  endCause: null,
  earlyMedia: false,
  conference: false,
  transfer: null,
  quality: null,
  dtmfReceived: '',
  microphoneProblem: null,
  microphoneLabel: null,
};

/** Main as the lock screen sees it: unlocking answers `unlockAnswer`. */
function fakeMain(unlockAnswer: SessionLockState) {
  const calls: Array<{ channel: ChannelName; input: unknown }> = [];
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      if (channel === 'session.lockState')
        return { ok: true, value: { locked: true, reauthRequired: unlockAnswer.reauthRequired } as never };
      if (channel === 'session.unlock') return { ok: true, value: unlockAnswer as never };
      return { ok: true, value: undefined as never };
    },
    on: () => () => {},
  };
  return { bridge, calls };
}

const engine = { answer: vi.fn(async () => {}), decline: vi.fn(), hangup: vi.fn() };

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
  });
  usePhoneStore.setState({ calls: [ringing], engine: () => engine as unknown as PhoneEngine });
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
});
