import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../shared/domain/updates';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { UpdatesSection } from './UpdatesSection';

/** Main's side: the update status, the calls the section made, and the `updates.changed` listener. */
const main = {
  status: { state: 'idle' } as UpdateStatus,
  calls: [] as ChannelName[],
  listener: null as ((payload: unknown) => void) | null,
};

const bridge: SoftphoneBridge = {
  invoke: async (channel) => {
    main.calls.push(channel);
    if (channel === 'updates.status' || channel === 'updates.check')
      return { ok: true, value: main.status as never };
    if (channel === 'updates.install') return { ok: true, value: true as never };
    return { ok: false, error: { code: 'not-available', message: channel } };
  },
  on: (event, listener) => {
    if (event === 'updates.changed') main.listener = listener as (payload: unknown) => void;
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
  main.calls = [];
});
afterEach(cleanup);

const push = (status: UpdateStatus) => act(() => main.listener?.(status));

describe('Updates in Settings', () => {
  it('shows the status line from main and follows its changes', async () => {
    main.status = { state: 'idle' };
    render(<UpdatesSection />);
    expect(await screen.findByText('Automatic updates are on.')).toBeTruthy();
    push({ state: 'checking' });
    expect(screen.getByRole('status').textContent).toBe('Checking for updates…');
    push({ state: 'downloading', version: '1.4.0', percent: 42 });
    expect(screen.getByRole('status').textContent).toBe('Downloading version 1.4.0: 42 %');
    expect(screen.queryByRole('button')).toBeNull();
    push({ state: 'error', message: 'sha512 checksum mismatch' });
    expect(screen.getByRole('status').textContent).toBe('Updates failed: sha512 checksum mismatch');
  });

  it('checks on request, and restarts into a downloaded update', async () => {
    main.status = { state: 'up-to-date', checkedAt: Date.UTC(2026, 10, 25, 9, 30) };
    const user = userEvent.setup();
    render(<UpdatesSection />);
    expect((await screen.findByRole('status')).textContent).toMatch(
      /^Secure Softphone is up to date \(checked at .+\)\.$/,
    );
    await user.click(screen.getByRole('button', { name: 'Check now' }));
    expect(main.calls).toContain('updates.check');
    push({ state: 'ready', version: '1.4.0' });
    expect(screen.getByRole('status').textContent).toBe(
      'Version 1.4.0 is ready: it is installed when you restart the app.',
    );
    await user.click(screen.getByRole('button', { name: 'Restart and install' }));
    expect(main.calls).toContain('updates.install');
  });

  it('says when the organisation turned updates off, without buttons', async () => {
    main.status = { state: 'disabled-by-policy' };
    render(<UpdatesSection />);
    expect(await screen.findByText('Automatic updates are turned off by your organisation.')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
