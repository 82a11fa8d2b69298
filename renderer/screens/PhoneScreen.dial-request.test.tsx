import { act, cleanup, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { listenForDialRequests, useDialRequestStore } from '../state/dial-request-store';
import { PhoneScreen } from './PhoneScreen';

/** main's `dial.request` event, as the preload delivers it. */
let deliver: ((payload: unknown) => void) | null = null;

const bridge: SoftphoneBridge = {
  invoke: async (channel) => ({ ok: false, error: { code: 'not-available', message: channel } }),
  on: (event, listener) => {
    if (event !== 'dial.request') return () => undefined;
    deliver = listener as (payload: unknown) => void;
    return () => {
      deliver = null;
    };
  },
};

let stop: (() => void) | null = null;
beforeAll(() => {
  window.softphone = bridge;
  stop = listenForDialRequests();
});
afterAll(() => {
  stop?.();
  delete window.softphone;
});
beforeEach(() => {
  applyLanguage('en');
  useDialRequestStore.setState({ pending: null });
  useAppStore.setState({ screen: 'settings' });
});
afterEach(cleanup);

const field = () => screen.getByLabelText<HTMLInputElement>('Number or SIP address');

describe('tel:/sip: links', () => {
  it('open the Phone screen with the target in the number field, without dialling', async () => {
    act(() => deliver?.({ target: '+49 30 1234567' }));
    expect(useAppStore.getState().screen).toBe('phone');
    render(<PhoneScreen />);
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(field().value).toBe('+49 30 1234567');
    expect(useDialRequestStore.getState().pending).toBeNull();
    // A second link while the screen is shown replaces the number.
    act(() => deliver?.({ target: 'sip:bob@example.eu' }));
    expect(field().value).toBe('sip:bob@example.eu');
  });

  it('reads the target with the dial-target parser and explains what is wrong', async () => {
    render(<PhoneScreen />);
    act(() => deliver?.({ target: 'sip:broken' }));
    expect(field().value).toBe('sip:broken');
    expect(screen.getByRole('alert').textContent).toBe(
      'This SIP address is not valid. Use the form sip:name@domain.',
    );
  });

  it('shows the exact digits of a link’s service codes, and dials only when the person presses Call', async () => {
    render(<PhoneScreen />);
    act(() => deliver?.({ target: '*21*0900123456#' }));
    expect(field().value).toBe('*21*0900123456#');
    const warning = screen.getByRole('alert');
    expect(warning.textContent).toContain('This link dials a service code: *21*0900123456#.');
    expect(warning.querySelector('code')?.textContent).toBe('*21*0900123456#');
    expect(screen.getByRole('button', { name: 'Call *21*0900123456#' })).toBeTruthy();
    // The person edits the field: it is theirs now, the warning goes.
    act(() => {
      const input = field();
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
      setValue.call(input, '*21#');
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Call' })).toBeTruthy();
  });

  it('refuses a link whose target hides control characters, with the escapes in view', async () => {
    render(<PhoneScreen />);
    act(() => deliver?.({ target: 'sip:%E2%80%AEalice@example.eu' }));
    expect(field().value).toBe('sip:%E2%80%AEalice@example.eu');
    expect(screen.getByRole('alert').textContent).toContain('invisible characters');
  });
});
