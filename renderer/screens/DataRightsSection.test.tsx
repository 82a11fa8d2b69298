import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataExportResult } from '../../shared/domain/data-export';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import { resolvePolicy } from '../../shared/policy/schema';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { DataRightsSection } from './DataRightsSection';

/** Main's side of "Export my data": what the folder dialog and the export come to, set by each test. */
const main = {
  calls: [] as Array<{ channel: ChannelName; input: unknown }>,
  exportResult: { status: 'cancelled' } as DataExportResult | IpcError,
  /** While set, the export waits for it (the folder dialog is open). */
  gate: null as Promise<void> | null,
  progressListeners: new Set<(payload: unknown) => void>(),
};

const bridge: SoftphoneBridge = {
  invoke: async (channel, input) => {
    main.calls.push({ channel, input });
    if (channel === 'task.cancel') return { ok: true, value: undefined as never };
    if (channel !== 'data.export') return { ok: false, error: { code: 'not-available', message: channel } };
    await main.gate;
    const result = main.exportResult;
    return 'code' in result ? { ok: false, error: result } : { ok: true, value: result as never };
  },
  on: (event, listener) => {
    if (event !== 'task.progress') return () => undefined;
    const progress = listener as (payload: unknown) => void;
    main.progressListeners.add(progress);
    return () => main.progressListeners.delete(progress);
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
  main.gate = null;
  useAppStore.setState({ policy: resolvePolicy({}) });
});
afterEach(cleanup);

const exportCalls = () => main.calls.filter((c) => c.channel === 'data.export');

describe('Export my data', () => {
  it('asks main with the translated dialog texts and reports the folder and counts', async () => {
    main.exportResult = {
      status: 'exported',
      folder: '/home/erika/Documents/secure-softphone-export-2026-11-25T10-00-00Z',
      counts: { calls: 1, contacts: 2, auditEvents: 14 },
    };
    const user = userEvent.setup();
    render(<DataRightsSection />);
    await user.click(screen.getByRole('button', { name: 'Export my data' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Your data was exported to /home/erika/Documents/secure-softphone-export-2026-11-25T10-00-00Z: 1 call, 2 contacts and 14 security events.',
    );
    expect(exportCalls()).toEqual([
      {
        channel: 'data.export',
        input: { title: 'Choose a folder for your data export', buttonLabel: 'Export here' },
      },
    ]);
  });

  it('says so when the dialog was cancelled, and alerts when the folder cannot be written', async () => {
    const user = userEvent.setup();
    render(<DataRightsSection />);
    main.exportResult = { status: 'cancelled' };
    await user.click(screen.getByRole('button', { name: 'Export my data' }));
    expect((await screen.findByRole('status')).textContent).toBe('Export cancelled. Nothing was saved.');

    main.exportResult = { status: 'failed', reason: 'not-writable' };
    await user.click(screen.getByRole('button', { name: 'Export my data' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The export could not be saved in this folder. Choose a folder you can write to.',
    );

    main.exportResult = { code: 'refused', message: 'exporting data is turned off by policy' };
    await user.click(screen.getByRole('button', { name: 'Export my data' }));
    expect((await screen.findByRole('alert')).textContent).toBe('This is not allowed.');
  });

  it('starts one export at a time', async () => {
    let open!: () => void;
    main.gate = new Promise((resolve) => (open = resolve));
    main.exportResult = { status: 'cancelled' };
    const user = userEvent.setup();
    render(<DataRightsSection />);
    await user.click(screen.getByRole('button', { name: 'Export my data' }));
    const busy = screen.getByRole('button', { name: 'Exporting…' });
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    await user.click(busy);
    open();
    await screen.findByRole('status');
    expect(exportCalls()).toHaveLength(1);
    expect(screen.getByRole('button', { name: 'Export my data' })).toBeTruthy();
  });

  it('shows how far the export is, and Cancel asks main to stop it', async () => {
    let open!: () => void;
    main.gate = new Promise((resolve) => (open = resolve));
    main.exportResult = { status: 'cancelled' };
    const user = userEvent.setup();
    render(<DataRightsSection />);
    await user.click(screen.getByRole('button', { name: 'Export my data' }));
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    // The folder dialog is still open: nothing to cancel yet.
    expect((cancel as HTMLButtonElement).disabled).toBe(true);
    act(() =>
      main.progressListeners.forEach((listener) => listener({ task: 'data-export', done: 150, total: 600 })),
    );
    const bar = screen.getByRole('progressbar', { name: 'Exporting your data…' });
    expect(bar.getAttribute('aria-valuenow')).toBe('25');
    expect(screen.getByText('25 %')).toBeTruthy();
    await user.click(cancel);
    expect(main.calls.at(-1)).toEqual({ channel: 'task.cancel', input: { task: 'data-export' } });
    open();
    expect((await screen.findByRole('status')).textContent).toBe('Export cancelled. Nothing was saved.');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('is replaced by a note when policy forbids exporting', () => {
    useAppStore.setState({ policy: resolvePolicy({ allowExport: false }) });
    render(<DataRightsSection />);
    expect(screen.queryByRole('button', { name: 'Export my data' })).toBeNull();
    expect(
      screen.getByText('Your organisation does not allow exporting data from this device.'),
    ).toBeTruthy();
    // Deleting stays available: the two rights are separate policies.
    expect(screen.getByRole('button', { name: 'Delete all my data on this device' })).toBeTruthy();
  });

  it('speaks German formally', async () => {
    applyLanguage('de');
    main.exportResult = {
      status: 'exported',
      folder: '/home/erika/Dokumente/x',
      counts: { calls: 2, contacts: 1, auditEvents: 1 },
    };
    const user = userEvent.setup();
    render(<DataRightsSection />);
    await user.click(screen.getByRole('button', { name: 'Meine Daten exportieren' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Ihre Daten wurden nach /home/erika/Dokumente/x exportiert: 2 Anrufe, 1 Kontakt und 1 Sicherheitsereignis.',
    );
    expect(exportCalls()[0]?.input).toEqual({
      title: 'Ordner für den Export Ihrer Daten wählen',
      buttonLabel: 'Hierhin exportieren',
    });
  });
});
