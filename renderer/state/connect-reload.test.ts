import { afterEach, describe, expect, it, vi } from 'vitest';
import { create } from 'zustand';
import { useAppStore } from './app-store';
import { pageAllowsConnect, reloadToConnect, takeReloadState, takeRestoredNotice } from './connect-reload';

/** A page whose policy tag says `policy` (as main serves it). */
function pageWith(policy: string): Document {
  const doc = document.implementation.createHTMLDocument('app');
  const meta = doc.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = policy;
  doc.head.append(meta);
  return doc;
}

afterEach(() => {
  sessionStorage.clear();
  useAppStore.setState({ screen: 'signIn' });
});

describe('which SIP servers the page may reach', () => {
  it('follows connect-src of the page’s policy: exact wss:// origins, or any secure WebSocket', () => {
    const narrow = pageWith(
      "default-src 'none'; connect-src 'self' wss://sip.example.eu:7443; object-src 'none'",
    );
    expect(pageAllowsConnect('wss://sip.example.eu:7443/ws', narrow)).toBe(true);
    expect(pageAllowsConnect('wss://sip.example.eu/ws', narrow)).toBe(false);
    expect(pageAllowsConnect('wss://evil.example/ws', narrow)).toBe(false);
    expect(pageAllowsConnect('ws://sip.example.eu:7443/ws', narrow)).toBe(false);
    const none = pageWith("default-src 'none'; connect-src 'self'");
    expect(pageAllowsConnect('wss://sip.example.eu/ws', none)).toBe(false);
    const baseline = pageWith("default-src 'none'; connect-src 'self' wss:");
    expect(pageAllowsConnect('wss://any.example/ws', baseline)).toBe(true);
    expect(pageAllowsConnect('not a url', baseline)).toBe(false);
  });
});

describe('reloading for another SIP server', () => {
  const calls = create<{ calls: { state: string }[] }>()(() => ({ calls: [] }));

  it('reloads at once without calls, and the new page comes back on the same screen with the notice', () => {
    useAppStore.setState({ screen: 'settings' });
    const reload = vi.fn();
    expect(
      reloadToConnect({ calls, url: 'wss://pbx.example.eu/ws', notice: 'sipAccount.saved', reload }),
    ).toBe('now');
    expect(reload).toHaveBeenCalledTimes(1);

    // The new page:
    expect(takeReloadState()).toEqual({ screen: 'settings', notice: 'sipAccount.saved' });
    expect(takeRestoredNotice('sipAccount.saved')).toBe(true);
    expect(takeRestoredNotice('sipAccount.saved')).toBe(false);
    expect(takeReloadState()).toBeNull();
    // Still not allowed after the reload (main refused the server): no second reload, no loop.
    expect(reloadToConnect({ calls, url: 'wss://pbx.example.eu/other', reload })).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('waits for the calls in progress to end', () => {
    calls.setState({ calls: [{ state: 'active' }, { state: 'ended' }] });
    const reload = vi.fn();
    expect(reloadToConnect({ calls, url: 'wss://edge.example.eu/ws', reload })).toBe('after-calls');
    calls.setState({ calls: [{ state: 'active' }] });
    expect(reload).not.toHaveBeenCalled();
    calls.setState({ calls: [{ state: 'ended' }] });
    expect(reload).toHaveBeenCalledTimes(1);
  });
});
