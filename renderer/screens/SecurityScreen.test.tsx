import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEventTypes } from '../../shared/audit/catalog';
import { IDLE_AUDIT_SYNC } from '../../shared/audit/sync-state';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { SecurityOverview } from '../../shared/security/overview';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { lastCallClaim } from '../security/last-call-claim';
import { SecurityScreen } from './SecurityScreen';

const live: SecurityOverview = {
  connection: {
    server: 'wss://sip.provider.example:7443',
    outcome: 'ok',
    protocol: 'TLSv1.3',
    issuer: 'O=Provider, CN=Provider CA 1',
    pinned: true,
    extraCas: 1,
  },
  lastCall: {
    at: Date.UTC(2026, 11, 6, 9, 30),
    dtlsState: 'connected',
    srtpCipher: 'AEAD_AES_256_GCM',
    encryptionScope: 'to-provider',
    sasMatched: null,
  },
  database: { state: 'ready' },
  keychain: { backend: 'secret-service', usable: true },
  policy: { location: '/etc/secure-softphone/policy.json', keys: ['idleLockMinutes', 'provider'] },
  audit: { ...IDLE_AUDIT_SYNC, pending: 3, lastDeliveredAt: Date.UTC(2026, 11, 6, 9, 0) },
  auditReceiver: 'api.provider.example',
  lock: { idleLockMinutes: 5, sessionMaxAgeHours: 12 },
  retention: { historyRetentionDays: 30, auditRetentionDays: 90 },
};

let answer: () => SecurityOverview;
let asked = 0;
const bridge: SoftphoneBridge = {
  invoke: async (channel) => {
    if (channel !== 'security.overview')
      return { ok: false, error: { code: 'not-available', message: channel } };
    asked += 1;
    try {
      return { ok: true, value: answer() as never };
    } catch {
      return { ok: false, error: { code: 'locked', message: 'locked' } };
    }
  },
  on: () => () => {},
};

beforeAll(() => {
  window.softphone = bridge;
});
afterAll(() => {
  delete window.softphone;
});
beforeEach(async () => {
  await applyLanguage('en');
  answer = () => live;
  asked = 0;
});
afterEach(cleanup);

const section = async (name: string) => within(await screen.findByRole('region', { name }));
const fact = (region: ReturnType<typeof within>, label: string) =>
  region.getByText(label).nextElementSibling?.textContent;

describe('SecurityScreen', () => {
  it('shows the connection, the last call, storage, rules, audit and lock from main’s answer', async () => {
    render(<SecurityScreen />);
    const connection = await section('Connection to your phone server');
    expect(fact(connection, 'Encryption')).toBe('TLS 1.3');
    expect(fact(connection, 'Certificate issued by')).toBe('O=Provider, CN=Provider CA 1');
    expect(fact(connection, 'Certificate pinning')).toBe('On');
    expect(fact(connection, 'State')).toBe('Secure connection, certificate trusted');
    expect(fact(await section('Last call'), 'Encryption')).toBe('Encrypted to your provider');
    const storage = await section('Stored on this computer');
    expect(fact(storage, 'Calls, contacts and audit log')).toBe(
      'Encrypted (AES-256); its key is in the keychain',
    );
    expect(fact(storage, 'Keys and passwords')).toBe('Secret Service (GNOME Keyring, KWallet)');
    expect(fact(await section('Rules in force'), 'Set by')).toBe('Your company (2 rules)');
    const audit = await section('Audit log delivery');
    expect(fact(audit, 'Sent to')).toBe('api.provider.example');
    expect(fact(audit, 'Waiting for delivery')).toBe('3');
    expect(fact(await section('Lock'), 'Locks when idle after')).toBe('5 minutes');
  });

  it('generates what is stored where from the retention in force and the audit catalog', async () => {
    render(<SecurityScreen />);
    const data = await section('What is stored where, and who receives it');
    const table = data.getByRole('table', { name: /Your data, where it is kept/ });
    const history = within(table).getByRole('row', { name: /Call history/ });
    expect(
      within(history)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual(['Encrypted database on this computer', '30 days', 'Nobody']);
    const auditRow = within(table).getByRole('row', { name: /Audit log/ });
    expect(within(auditRow).getByText('90 days after delivery')).toBeTruthy();
    expect(within(auditRow).getByText('Your provider')).toBeTruthy();
    const events = data.getByRole('list', { name: 'What the audit log sends to your provider' });
    expect(within(events).getAllByRole('listitem')).toHaveLength(auditEventTypes.length);
    expect(within(events).getByText('tls.certificateRejected').parentElement?.textContent).toBe(
      'tls.certificateRejected: host, reason',
    );
  });

  it('says so when no account is set up, and when nobody receives audit events', async () => {
    answer = () => ({
      ...live,
      connection: {
        ...live.connection,
        server: null,
        outcome: null,
        protocol: null,
        issuer: null,
        pinned: false,
      },
      lastCall: null,
      policy: { ...live.policy, keys: [] },
      auditReceiver: null,
    });
    render(<SecurityScreen />);
    const connection = await section('Connection to your phone server');
    expect(fact(connection, 'Server')).toBe('No phone account set up');
    expect(connection.queryByText('Certificate issued by')).toBeNull();
    expect(fact(await section('Last call'), 'When')).toBe('No calls yet');
    expect(fact(await section('Rules in force'), 'Set by')).toBe('No company rules: the app’s defaults');
    expect(screen.getByText(/No provider is configured/)).toBeTruthy();
  });

  it('checks again on request, and shows a refusal instead of old facts', async () => {
    render(<SecurityScreen />);
    await section('Last call');
    answer = () => {
      throw new Error('locked');
    };
    await userEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Could not check/);
    expect(asked).toBe(2);
  });

  it('is in German on a German system', async () => {
    await applyLanguage('de');
    render(<SecurityScreen />);
    expect(await screen.findByRole('heading', { name: 'Sicherheit & Datenschutz' })).toBeTruthy();
    expect(fact(await section('Letzter Anruf'), 'Verschlüsselung')).toBe(
      'Verschlüsselt bis zu Ihrem Anbieter',
    );
  });
});

describe('what the last call may claim', () => {
  const call = (change: Partial<NonNullable<SecurityOverview['lastCall']>>) => ({
    ...live.lastCall!,
    ...change,
  });
  it('claims end to end only after the codes matched, and nothing for a call without media', () => {
    expect(lastCallClaim(null)).toBe('no-media');
    expect(lastCallClaim(call({ dtlsState: null }))).toBe('no-media');
    expect(lastCallClaim(call({ encryptionScope: 'to-provider', sasMatched: true }))).toBe(
      'encrypted-to-provider',
    );
    expect(lastCallClaim(call({ encryptionScope: 'peer' }))).toBe('encrypted-not-verified');
    expect(lastCallClaim(call({ encryptionScope: 'peer', sasMatched: true }))).toBe('verified-end-to-end');
    expect(lastCallClaim(call({ encryptionScope: 'peer', sasMatched: false }))).toBe('code-mismatch');
  });
});
