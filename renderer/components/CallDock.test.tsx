import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import { defaultSettings } from '../../shared/settings/settings';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { useCallPanelStore } from '../state/call-panel-store';
import { useContactsStore } from '../state/contacts-store';
import { usePhoneStore } from '../state/phone-store';
import { callView, phoneDouble } from '../../testing/phone/phone-double';
import { CallAnnouncer } from './CallAnnouncer';
import { CallDock } from './CallDock';

/** Main as the call panel sees it: no contact names, notifications accepted. */
const bridge: SoftphoneBridge = {
  invoke: async (channel) =>
    channel === 'contacts.lookup' || channel.startsWith('call.')
      ? { ok: true, value: (channel === 'contacts.lookup' ? null : undefined) as never }
      : { ok: false, error: { code: 'not-available', message: channel } },
  on: () => () => undefined,
};

const phone = phoneDouble();
const encrypted = {
  state: 'active' as const,
  answeredAt: Date.now(),
  encryption: {
    dtlsState: 'connected' as const,
    srtpCipher: 'AES_CM_128_HMAC_SHA1_80',
    scope: 'peer' as const,
  },
  sas: 'K7QX',
  fingerprints: { local: 'sha-256 AA:BB', remote: 'sha-256 CC:DD' },
};

function show(...calls: ReturnType<typeof callView>[]) {
  act(() => usePhoneStore.setState({ calls }));
}

beforeEach(() => {
  window.softphone = bridge;
  applyLanguage('en');
  useAppStore.setState({ settings: { settings: defaultSettings, locked: [] } });
  useContactsStore.setState({ names: {} });
  useCallPanelStore.setState({ selectedId: null, pane: null, sentTones: {} });
  usePhoneStore.setState({ engine: () => phone, calls: [], ended: [], failed: [] });
  for (const spy of Object.values(phone)) if (typeof spy === 'function') spy.mockClear();
  render(
    <>
      <CallDock />
      <CallAnnouncer hideCaller={false} />
    </>,
  );
});
afterEach(() => {
  cleanup();
  delete window.softphone;
});

describe('the call panel', () => {
  it('takes the focus to Answer when a call comes in, and announces the caller', async () => {
    show(callView());
    const card = screen.getByRole('region', { name: 'Call with Erika Mustermann' });
    expect(document.activeElement).toBe(within(card).getByRole('button', { name: 'Answer' }));
    expect(within(card).getByText('0170 1234567')).toBeTruthy();
    expect(document.querySelector('[aria-live="assertive"]')?.textContent).toBe(
      'Incoming call from Erika Mustermann. Answer with Ctrl+Shift+A.',
    );
    await userEvent.keyboard('{Enter}');
    expect(phone.answer).toHaveBeenCalledWith('call-1');
  });

  it('has icon buttons with names and pressed states, and says how the call is secured in words', async () => {
    const user = userEvent.setup();
    show(callView({ ...encrypted, muted: true }));
    const card = screen.getByRole('region', { name: 'Call with Erika Mustermann' });
    expect(within(card).getByRole('button', { name: 'Mute' }).getAttribute('aria-pressed')).toBe('true');
    expect(within(card).getByRole('button', { name: 'Hold' }).getAttribute('aria-pressed')).toBe('false');
    expect(within(card).getByText('Encrypted, not verified')).toBeTruthy();
    expect(card.textContent).not.toMatch(/AES_CM|DTLS: |sha-256/);
    await user.click(within(card).getByRole('button', { name: /^Encrypted, not verified/ }));
    expect(within(card).getByText('AES with a 128-bit key, SHA-1 integrity check (80 bits)')).toBeTruthy();
    expect(within(card).getByText('sha-256 CC:DD')).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: 'Hold' }));
    expect(phone.setHold).toHaveBeenCalledWith('call-1', true);
  });

  it('speaks German without protocol names, also in the details', async () => {
    applyLanguage('de');
    const user = userEvent.setup();
    show(callView(encrypted));
    const card = screen.getByRole('region', { name: 'Anruf mit Erika Mustermann' });
    await user.click(within(card).getByRole('button', { name: /^Verschlüsselt, nicht bestätigt/ }));
    expect(card.textContent).toContain('Schlüsselaustausch (DTLS)abgeschlossen');
    expect(card.textContent).not.toMatch(/connected|AES_CM|SRTP_/);
    expect(within(card).getByRole('button', { name: 'Wähltastatur' })).toBeTruthy();
    expect(within(card).getByRole('button', { name: 'Übergeben' })).toBeTruthy();
  });

  it('opens the keypad and the transfer form inside the panel, one at a time', async () => {
    const user = userEvent.setup();
    show(callView(encrypted));
    const card = screen.getByRole('region', { name: 'Call with Erika Mustermann' });
    await user.click(within(card).getByRole('button', { name: 'Keypad' }));
    await user.click(within(card).getByRole('button', { name: '5' }));
    await user.keyboard('#');
    expect(phone.sendDtmf.mock.calls).toEqual([
      ['call-1', '5'],
      ['call-1', '#'],
    ]);
    expect(within(card).getByText('Sent: 5#')).toBeTruthy();
    await user.click(within(card).getByRole('button', { name: 'Transfer' }));
    expect(within(card).queryByRole('group', { name: 'Dial pad' })).toBeNull();
    expect(document.activeElement).toBe(within(card).getByLabelText('Transfer to (number or SIP address)'));
    await user.type(document.activeElement!, '204{Enter}');
    expect(phone.transfer).toHaveBeenCalledWith('call-1', 'sip:204@example.eu');
  });

  it('shows a second call waiting above the one in progress, its Answer focused', () => {
    show(callView({ ...encrypted, id: 'first', remoteName: 'Hans Meier' }));
    show(
      callView({ ...encrypted, id: 'first', remoteName: 'Hans Meier' }),
      callView({ id: 'second', remoteName: 'Zoë' }),
    );
    const waiting = screen.getByRole('region', { name: 'Call with Zoë (Incoming call)' });
    expect(document.activeElement).toBe(within(waiting).getByRole('button', { name: 'Answer' }));
    expect(screen.getByRole('region', { name: 'Call with Hans Meier' })).toBeTruthy();
  });

  it('warns in place of the quality line while no audio arrives', () => {
    show(callView({ ...encrypted, mediaWarning: 'no-audio', quality: null }));
    const card = screen.getByRole('region', { name: 'Call with Erika Mustermann' });
    expect(within(card).getByRole('alert').textContent).toBe('No audio from the other side');
    expect(within(card).getByRole('button', { name: 'Hang up' })).toBeTruthy();
  });

  it('claims end to end only once the codes matched, and warns when they differ', async () => {
    const user = userEvent.setup();
    show(callView(encrypted));
    const card = () => screen.getByRole('region', { name: 'Call with Erika Mustermann' });
    await user.click(within(card()).getByRole('button', { name: 'Codes match' }));
    expect(phone.compareSas).toHaveBeenCalledWith('call-1', true);
    show(callView({ ...encrypted, sasMatched: true }));
    expect(within(card()).getByText('Verified end to end')).toBeTruthy();
    show(callView({ ...encrypted, sasMatched: false }));
    expect(within(card()).getByText(/someone may be listening/i)).toBeTruthy();
    show(callView({ ...encrypted, encryption: { ...encrypted.encryption, scope: 'to-provider' } }));
    expect(within(card()).getByText('Encrypted to your provider')).toBeTruthy();
    expect(within(card()).queryByRole('button', { name: 'Codes match' })).toBeNull();
  });

  it('says why a call ended after its card has gone, until closed', async () => {
    const user = userEvent.setup();
    act(() =>
      usePhoneStore.setState({
        calls: [],
        ended: [callView({ direction: 'outgoing', state: 'ended', endReason: 'busy' })],
      }),
    );
    const panel = screen.getByRole('complementary', { name: 'Calls' });
    expect(within(panel).getByRole('alert').textContent).toContain('The line is busy.');
    await user.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(phone.dismissEnded).toHaveBeenCalledWith('call-1');
  });
});
