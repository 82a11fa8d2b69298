import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProxySignInState } from '../../shared/domain/proxy-sign-in';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useProxySignInStore } from '../state/proxy-sign-in-store';
import { ProxySection } from '../screens/ProxySection';
import { ProxySignIn } from './ProxySignIn';

const proxy = 'proxy.corp.example:3128';
const idle: ProxySignInState = { asking: null, needed: [], saved: [] };

/** Main's side: the state it answers with, what the renderer sent, and the event listener. */
const main = {
  state: idle,
  sent: [] as { channel: ChannelName; input: unknown }[],
  listener: null as ((payload: ProxySignInState) => void) | null,
};

const bridge: SoftphoneBridge = {
  invoke: async (channel, input) => {
    main.sent.push({ channel, input });
    if (channel === 'proxySignIn.answer')
      main.state = { asking: null, needed: [], saved: [{ proxy, username: 'carla' }] };
    if (channel === 'proxySignIn.cancel') main.state = { ...idle, needed: [{ proxy, refused: false }] };
    if (channel === 'proxySignIn.ask') main.state = { ...idle, asking: { proxy, refused: false } };
    if (channel === 'proxySignIn.forget') main.state = idle;
    return { ok: true, value: main.state as never };
  },
  on: (event, listener) => {
    if (event === 'proxySignIn.changed') main.listener = listener as (payload: ProxySignInState) => void;
    return () => {
      main.listener = null;
    };
  },
};

beforeAll(() => {
  window.softphone = bridge;
});
afterAll(() => {
  delete window.softphone;
});
beforeEach(() => {
  applyLanguage('en');
  main.state = idle;
  main.sent = [];
  useProxySignInStore.setState({ state: null, busy: false, errorKey: null });
});
afterEach(cleanup);

/** Main says a proxy asks (or whatever else), as its event does. */
const mainSays = async (state: ProxySignInState) => {
  main.state = state;
  await act(async () => main.listener?.(state));
};

describe('the proxy sign-in', () => {
  it('asks in the dialog, focus in the user name, and sends the answer to main', async () => {
    const user = userEvent.setup();
    render(<ProxySignIn />);
    await mainSays({ ...idle, asking: { proxy, refused: false } });
    const dialog = screen.getByRole('dialog', { name: 'Sign in to your company network' });
    expect(dialog.textContent).toContain('Your company network asks for a sign-in to its proxy');
    expect(document.activeElement).toBe(screen.getByLabelText('User name'));
    await user.keyboard('carla');
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('Password'));
    await user.keyboard('pa:ss{Enter}');
    expect(main.sent.at(-1)).toEqual({
      channel: 'proxySignIn.answer',
      input: { proxy, username: 'carla', password: 'pa:ss' },
    });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps focus inside, says when the proxy refused, and refuses a user name with a colon', async () => {
    const user = userEvent.setup();
    render(<ProxySignIn />);
    await mainSays({ ...idle, asking: { proxy, refused: true } });
    expect(screen.getByRole('alert').textContent).toContain('did not accept this user name or password');
    await user.tab();
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await user.tab();
    expect(document.activeElement).toBe(screen.getByLabelText('User name'));
    await user.keyboard('a:b{Enter}');
    expect(screen.getByText('Enter your user name (without a colon).')).toBeTruthy();
    expect(main.sent.some(({ channel }) => channel === 'proxySignIn.answer')).toBe(false);
  });

  it('Escape cancels into a visible "sign-in needed", whose button asks again', async () => {
    const user = userEvent.setup();
    render(<ProxySignIn />);
    await mainSays({ ...idle, asking: { proxy, refused: false } });
    await user.keyboard('{Escape}');
    expect(main.sent.at(-1)).toEqual({ channel: 'proxySignIn.cancel', input: { proxy } });
    expect(await screen.findByText('Proxy sign-in needed.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Sign in to the proxy' }));
    expect(main.sent.at(-1)).toEqual({ channel: 'proxySignIn.ask', input: { proxy } });
    expect(await screen.findByRole('dialog')).toBeTruthy();
  });

  it('speaks German on a German system', async () => {
    applyLanguage('de');
    render(<ProxySignIn />);
    await mainSays({ ...idle, asking: { proxy, refused: false } });
    expect(screen.getByRole('dialog', { name: 'Am Firmennetz anmelden' })).toBeTruthy();
    expect(screen.getByLabelText('Benutzername')).toBeTruthy();
  });

  it('lists the saved sign-in in Settings, by user name, and forgets it', async () => {
    const user = userEvent.setup();
    useProxySignInStore.setState({ state: { ...idle, saved: [{ proxy, username: 'carla' }] } });
    render(<ProxySection />);
    expect(screen.getByText(`Signed in to the proxy ${proxy} as carla.`)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: `Forget the sign-in to the proxy ${proxy}` }));
    expect(main.sent.at(-1)).toEqual({ channel: 'proxySignIn.forget', input: { proxy } });
    expect(screen.queryByRole('region', { name: 'Company network' })).toBeNull();
  });
});
