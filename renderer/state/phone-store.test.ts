import { beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings/settings';
import { callView, phoneDouble } from '../../testing/phone/phone-double';
import { useAppStore } from './app-store';
import { keepFailed, usePhoneStore } from './phone-store';
import { useSipAccountStore } from './sip-account-store';

const phone = phoneDouble();
const account = {
  displayName: 'Me',
  sipUri: 'sip:me@example.eu',
  authorizationUser: 'me',
  realm: '',
  wssUrl: 'wss://sip.example.eu',
};

beforeEach(() => {
  phone.call.mockClear();
  useAppStore.setState({ settings: { settings: { ...defaultSettings, defaultCountry: 'DE' }, locked: [] } });
  useSipAccountStore.setState({ state: { account, source: 'manual', manualAllowed: true } });
  usePhoneStore.setState({ engine: () => phone, calls: [], ended: [], failed: [] });
});

describe('dial', () => {
  it('reads what was typed or stored and calls its SIP address', async () => {
    expect(await usePhoneStore.getState().dial('0170 1234567')).toEqual({
      ok: true,
      id: 'call-1',
      label: '0170 1234567',
    });
    expect(phone.call).toHaveBeenLastCalledWith('sip:+491701234567@example.eu;user=phone');
    await usePhoneStore.getState().dial('sip:bob@other.example');
    expect(phone.call).toHaveBeenLastCalledWith('sip:bob@other.example');
  });

  it('returns why no call was started: the input, the account, or what the engine said', async () => {
    expect(await usePhoneStore.getState().dial('hello')).toEqual({
      ok: false,
      problem: 'invalidCharacters',
      label: null,
    });
    phone.call.mockResolvedValueOnce({ ok: false, problem: 'microphone-denied' });
    expect(await usePhoneStore.getState().dial('204')).toMatchObject({
      ok: false,
      problem: 'microphone-denied',
    });
    useSipAccountStore.setState({ state: { account: null, source: null, manualAllowed: true } });
    expect(await usePhoneStore.getState().dial('204')).toEqual({
      ok: false,
      problem: 'no-account',
      label: '204',
    });
    expect(phone.call).toHaveBeenCalledTimes(1);
  });
});

describe('keepFailed', () => {
  it('keeps the last calls that ended for a reason, newest last, at most 20, after their notice went', () => {
    const ended = (id: string) => callView({ id, state: 'ended', endReason: 'busy' });
    let kept = keepFailed([], [ended('a')]);
    expect(kept.map((view) => view.id)).toEqual(['a']);
    kept = keepFailed(kept, [ended('a'), ended('b')]);
    expect(kept.map((view) => view.id)).toEqual(['a', 'b']);
    // The notices were closed: the engine publishes none, the calls stay known.
    kept = keepFailed(kept, []);
    expect(kept.map((view) => view.id)).toEqual(['a', 'b']);
    for (let i = 0; i < 25; i += 1) kept = keepFailed(kept, [ended(`x${i}`)]);
    expect(kept).toHaveLength(20);
    expect(kept.at(-1)?.id).toBe('x24');
  });
});
