import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderStatusState } from '../../shared/domain/provider-status';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import type { ServiceStatus } from '../../shared/provider/api';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { usePhoneStore } from '../state/phone-store';
import { useProviderStatusStore, watchProviderStatus } from '../state/provider-status-store';
import { ProviderStatusBanner } from './ProviderStatusBanner';

/** Main's side: what it knows of the status page, the channels the renderer called, and the event listener. */
const main = {
  state: { status: null } as ProviderStatusState,
  openPageFails: false,
  calls: [] as ChannelName[],
  listener: null as ((payload: ProviderStatusState) => void) | null,
};

const bridge: SoftphoneBridge = {
  invoke: async (channel) => {
    main.calls.push(channel);
    if (channel === 'providerStatus.get') return { ok: true, value: main.state as never };
    if (channel === 'providerStatus.registrationFailed') return { ok: true, value: undefined as never };
    if (channel === 'providerStatus.openPage' && !main.openPageFails)
      return { ok: true, value: undefined as never };
    return { ok: false, error: { code: 'not-available', message: channel } };
  },
  on: (event, listener) => {
    if (event === 'providerStatus.changed')
      main.listener = listener as (payload: ProviderStatusState) => void;
    return () => {
      main.listener = null;
    };
  },
};

const hourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();
const outage: ServiceStatus = {
  status: 'outage',
  incidents: [{ id: 'i1', title: 'Calls to mobile networks fail', status: 'identified', startedAt: hourAgo }],
  maintenance: [],
  pageUrl: 'https://status.provider.example/',
};

let stopWatching: () => void = () => {};
beforeAll(() => {
  window.softphone = bridge;
});
afterAll(() => {
  delete window.softphone;
});
beforeEach(() => {
  applyLanguage('en');
  main.state = { status: null };
  main.openPageFails = false;
  main.calls = [];
  useProviderStatusStore.setState({ status: null, hidden: null, pageFailed: false });
  stopWatching = watchProviderStatus();
});
afterEach(() => {
  stopWatching();
  cleanup();
});

const push = (status: ServiceStatus | null) => act(() => main.listener?.({ status }));

describe('the provider status banner', () => {
  it('shows nothing while all is well, and an incident as soon as main reports one', async () => {
    render(<ProviderStatusBanner />);
    expect(screen.queryByRole('status', { name: 'Status of your provider' })).toBeNull();
    push({ status: 'operational', incidents: [], maintenance: [] });
    expect(screen.queryByRole('status', { name: 'Status of your provider' })).toBeNull();
    push(outage);
    const banner = screen.getByRole('status', { name: 'Status of your provider' });
    expect(banner.textContent).toMatch(
      /^Outage at your provider: Calls to mobile networks fail \(cause found, since \d\d:\d\d\)\./,
    );
    expect(screen.getByRole('link', { name: 'Status page' }).getAttribute('href')).toBe(
      'https://status.provider.example/',
    );
  });

  it('speaks German', async () => {
    applyLanguage('de');
    render(<ProviderStatusBanner />);
    push({ ...outage, status: 'degraded', incidents: [{ ...outage.incidents[0]!, status: 'monitoring' }] });
    expect(screen.getByRole('status', { name: 'Status Ihres Anbieters' }).textContent).toMatch(
      /^Eingeschränkter Dienst bei Ihrem Anbieter: Calls to mobile networks fail \(behoben, wird beobachtet, seit \d\d:\d\d\)\./,
    );
    expect(screen.getByRole('link', { name: 'Statusseite' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Ausblenden' })).toBeTruthy();
  });

  it('reads the status main already has when it starts', async () => {
    stopWatching();
    main.state = { status: outage };
    stopWatching = watchProviderStatus();
    render(<ProviderStatusBanner />);
    expect(await screen.findByRole('link', { name: 'Status page' })).toBeTruthy();
  });

  it('opens the status page through main, and says so when that fails', async () => {
    render(<ProviderStatusBanner />);
    push(outage);
    await userEvent.click(screen.getByRole('link', { name: 'Status page' }));
    expect(main.calls).toContain('providerStatus.openPage');
    expect(screen.queryByRole('alert')).toBeNull();
    main.openPageFails = true;
    await userEvent.click(screen.getByRole('link', { name: 'Status page' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The status page could not be opened.');
  });

  it('stays hidden once hidden, until the provider says something new', async () => {
    render(<ProviderStatusBanner />);
    push(outage);
    await userEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect(screen.queryByRole('status', { name: 'Status of your provider' })).toBeNull();
    push({ ...outage });
    expect(screen.queryByRole('status', { name: 'Status of your provider' })).toBeNull();
    push({ ...outage, incidents: [{ ...outage.incidents[0]!, status: 'monitoring' }] });
    expect(screen.getByRole('status', { name: 'Status of your provider' }).textContent).toContain(
      'fixed, being watched',
    );
  });

  it('has no link without a status page', () => {
    render(<ProviderStatusBanner />);
    push({ status: 'degraded', incidents: [], maintenance: [] });
    expect(screen.getByRole('status', { name: 'Status of your provider' }).textContent).toBe(
      'Limited service at your provider: Calls may be affected.Hide',
    );
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('tells main when the phone fails to register, once per failure', () => {
    const before = main.calls.filter((c) => c === 'providerStatus.registrationFailed').length;
    act(() => usePhoneStore.setState({ registration: { state: 'connecting' } }));
    act(() => usePhoneStore.setState({ registration: { state: 'error', error: 'unreachable' } }));
    act(() => usePhoneStore.setState({ registration: { state: 'error', error: 'unreachable' } }));
    act(() => usePhoneStore.setState({ registration: { state: 'registered' } }));
    act(() => usePhoneStore.setState({ registration: { state: 'error', error: 'rejected' } }));
    expect(main.calls.filter((c) => c === 'providerStatus.registrationFailed').length - before).toBe(2);
  });
});
