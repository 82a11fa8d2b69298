import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import { contactNameFor, useContactsStore } from './contacts-store';
import { useSessionLockStore } from './session-lock-store';

const URI = 'sip:+4930123456@sip.provider.example';

/** Main with one contact: it answers caller ID only while unlocked, as its router does. */
function fakeMain() {
  const asked: ChannelName[] = [];
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      asked.push(channel);
      if (useSessionLockStore.getState().locked)
        return { ok: false, error: { code: 'locked', message: channel } };
      if (channel === 'contacts.lookup' && (input as { uri: string }).uri === URI)
        return { ok: true, value: 'Erika Mustermann' as never };
      return { ok: false, error: { code: 'not-available', message: channel } };
    },
    on: () => () => {},
  };
  return { bridge, asked };
}

beforeEach(() => {
  useContactsStore.setState({ names: {} });
});
afterEach(() => {
  useSessionLockStore.setState({ locked: false });
  delete window.softphone;
});

describe('caller ID while the app is locked', () => {
  it('names nobody and asks main nothing while locked; names the caller from the contacts after unlock', async () => {
    const main = fakeMain();
    window.softphone = main.bridge;
    useSessionLockStore.setState({ locked: true });
    expect(await contactNameFor(URI)).toBeNull();
    expect(main.asked).toEqual([]);
    // Nothing remembered: "no name" while locked is not "no contact".
    expect(useContactsStore.getState().names).toEqual({});

    useSessionLockStore.setState({ locked: false });
    expect(await contactNameFor(URI)).toBe('Erika Mustermann');
    expect(main.asked).toEqual(['contacts.lookup']);
  });
});
