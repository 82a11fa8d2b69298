import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ContactInput,
  ContactQuery,
  ContactUpdate,
  IMPORT_MAX_BYTES,
  type Contact,
  type ContactImportResult,
} from '../../shared/domain/contacts';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName, EventName } from '../../shared/ipc/contract';
import { defaultSettings } from '../../shared/settings/settings';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { useContactName, useContactsStore } from '../state/contacts-store';
import { usePhoneStore } from '../state/phone-store';
import { useSipAccountStore } from '../state/sip-account-store';
import { callView, phoneDouble } from '../../testing/phone/phone-double';
import { ContactsScreen } from './ContactsScreen';

/**
 * An in-memory main process for the contacts channels: inputs go through the contract's schemas like in
 * main, and changes are announced with `contacts.changed`. One bridge for the file, since the store
 * subscribes once.
 */
const main = {
  contacts: [] as Contact[],
  calls: [] as Array<{ channel: ChannelName; input: unknown }>,
  importResult: null as ContactImportResult | null,
  listeners: new Map<EventName, Set<(payload: unknown) => void>>(),
  emit(event: EventName) {
    for (const listener of this.listeners.get(event) ?? []) listener({});
  },
};
let nextId = 1;

function save(input: unknown, id = `c${nextId++}`): Contact {
  const valid = ContactInput.parse(input);
  const existing = main.contacts.find((c) => c.id === id);
  const contact: Contact = {
    id,
    name: valid.name,
    organisation: valid.organisation || null,
    email: valid.email || null,
    note: valid.note || null,
    favourite: valid.favourite,
    numbers: valid.numbers,
    updatedAt: 1,
  };
  main.contacts = existing
    ? main.contacts.map((c) => (c.id === id ? contact : c))
    : [...main.contacts, contact];
  return contact;
}

const answers: Partial<Record<ChannelName, (input: never) => unknown>> = {
  'storage.status': () => ({ state: 'ready' }),
  'contacts.list': (input: unknown) => {
    const query = ContactQuery.parse(input);
    const search = query.search.toLowerCase();
    const digits = search.replace(/\D/g, '');
    return main.contacts
      .filter((c) => !query.favouritesOnly || c.favourite)
      .filter(
        (c) =>
          !search ||
          c.name.toLowerCase().includes(search) ||
          (digits !== '' && c.numbers.some((n) => n.number.replace(/\D/g, '').includes(digits))),
      )
      .sort((a, b) => Number(b.favourite) - Number(a.favourite) || a.name.localeCompare(b.name))
      .slice(query.offset, query.offset + query.limit);
  },
  'contacts.create': (input: unknown) => {
    const contact = save(input);
    main.emit('contacts.changed');
    return contact;
  },
  'contacts.update': (input: unknown) => {
    const { id, ...rest } = ContactUpdate.parse(input);
    const contact = save({ ...rest, favourite: main.contacts.find((c) => c.id === id)?.favourite }, id);
    main.emit('contacts.changed');
    return contact;
  },
  'contacts.delete': ({ id }: { id: string }) => {
    main.contacts = main.contacts.filter((c) => c.id !== id);
    main.emit('contacts.changed');
    return true;
  },
  'contacts.setFavourite': ({ id, favourite }: { id: string; favourite: boolean }) => {
    main.contacts = main.contacts.map((c) => (c.id === id ? { ...c, favourite } : c));
    main.emit('contacts.changed');
    return main.contacts.find((c) => c.id === id) ?? null;
  },
  'contacts.import': () => main.importResult,
  'contacts.lookup': ({ uri }: { uri: string }) => {
    const digits = uri
      .replace(/^sips?:/, '')
      .split('@')[0]!
      .replace(/\D/g, '');
    return (
      main.contacts.find((c) =>
        c.numbers.some((n) => n.number.replace(/\D/g, '').slice(-8) === digits.slice(-8)),
      )?.name ?? null
    );
  },
};

const bridge: SoftphoneBridge = {
  invoke: async (channel, input) => {
    main.calls.push({ channel, input });
    const answer = answers[channel];
    return answer
      ? { ok: true, value: answer(input as never) as never }
      : { ok: false, error: { code: 'not-available', message: channel } };
  },
  on: (event, listener) => {
    const set = main.listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    main.listeners.set(event, set);
    return () => set.delete(listener as (payload: unknown) => void);
  },
};

const engine = phoneDouble();

beforeAll(() => {
  window.softphone = bridge;
});
afterAll(() => {
  delete window.softphone;
});
beforeEach(() => {
  applyLanguage('en');
  main.contacts = [];
  main.calls = [];
  main.importResult = null;
  engine.call.mockClear();
  useContactsStore.setState({ storage: null, search: '', favouritesOnly: false, contacts: [], names: {} });
  useAppStore.setState({ screen: 'contacts', settings: { settings: defaultSettings, locked: [] } });
  usePhoneStore.setState({ engine: () => engine, calls: [], ended: [], failed: [] });
  useSipAccountStore.setState({ state: null });
});
afterEach(cleanup);

const erika = {
  name: 'Erika Mustermann',
  organisation: 'Beispiel GmbH',
  numbers: [{ label: 'mobile' as const, number: '0170 1234567' }],
};

describe('ContactsScreen', () => {
  it('adds a contact after the form has shown what to correct', async () => {
    const user = userEvent.setup();
    render(<ContactsScreen />);
    expect(await screen.findByText('No contacts yet')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Add contact' }));
    const name = screen.getByLabelText('Name');
    expect(document.activeElement).toBe(name);
    await user.type(screen.getByLabelText('Number 1'), 'call me');
    await user.type(screen.getByLabelText('E-mail (optional)'), 'erika@');
    await user.click(screen.getByRole('button', { name: 'Save contact' }));
    expect(screen.getByRole('alert').textContent).toBe('Please correct the marked fields.');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(name));
    expect(screen.getByText('Enter a name (at most 200 characters).')).toBeTruthy();
    expect(screen.getByLabelText('Number 1').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('E-mail (optional)').getAttribute('aria-invalid')).toBe('true');
    expect(main.calls.some((c) => c.channel === 'contacts.create')).toBe(false);

    await user.type(name, 'Erika Mustermann');
    await user.clear(screen.getByLabelText('Number 1'));
    await user.type(screen.getByLabelText('Number 1'), '0170 1234567');
    await user.clear(screen.getByLabelText('E-mail (optional)'));
    await user.click(screen.getByRole('button', { name: 'Add another number' }));
    await user.selectOptions(screen.getByLabelText('Type of number 2'), 'work');
    await user.type(screen.getByLabelText('Number 2'), 'sip:erika@example.eu');
    await user.type(screen.getByLabelText('Note (optional)'), 'Prefers mornings');
    await user.click(screen.getByRole('button', { name: 'Save contact' }));

    expect((await screen.findByRole('status')).textContent).toBe('Erika Mustermann was saved.');
    expect(screen.queryByRole('region', { name: 'New contact' })).toBeNull();
    const row = screen.getByRole('listitem');
    expect(row.textContent).toContain('Erika Mustermann');
    expect(row.textContent).toContain('Prefers mornings');
    expect(main.contacts[0]?.numbers).toEqual([
      { label: 'mobile', number: '0170 1234567' },
      { label: 'work', number: 'sip:erika@example.eu' },
    ]);
  });

  it('searches, filters favourites, edits and deletes only after confirmation', async () => {
    save(erika);
    save({ name: 'Hans Meier', numbers: [{ label: 'work', number: '+49 89 555' }] });
    const user = userEvent.setup();
    render(<ContactsScreen />);
    expect(await screen.findAllByRole('listitem')).toHaveLength(2);

    await user.type(screen.getByRole('searchbox', { name: 'Search contacts' }), '89 5');
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(screen.getByRole('listitem').textContent).toContain('Hans Meier');
    await user.clear(screen.getByRole('searchbox', { name: 'Search contacts' }));

    const favourite = await screen.findByRole('button', { name: 'Favourite: Hans Meier' });
    expect(favourite.getAttribute('aria-pressed')).toBe('false');
    await user.click(favourite);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Favourite: Hans Meier' }).getAttribute('aria-pressed')).toBe(
        'true',
      ),
    );
    // Favourites first.
    expect(screen.getAllByRole('listitem')[0]?.textContent).toContain('Hans Meier');
    await user.click(screen.getByRole('button', { name: 'Favourites' }));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'All' }));
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Edit Erika Mustermann' }));
    const form = screen.getByRole('region', { name: 'Edit Erika Mustermann' });
    expect((within(form).getByLabelText('Organisation (optional)') as HTMLInputElement).value).toBe(
      'Beispiel GmbH',
    );
    await user.clear(within(form).getByLabelText('Name'));
    await user.type(within(form).getByLabelText('Name'), 'Erika Schmidt');
    await user.click(within(form).getByRole('button', { name: 'Save contact' }));
    expect((await screen.findByRole('status')).textContent).toBe('Erika Schmidt was saved.');
    expect(await screen.findByText('Erika Schmidt')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Delete Erika Schmidt' }));
    expect(screen.getByRole('alert').textContent).toBe(
      'Delete Erika Schmidt from this device? This cannot be undone.',
    );
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(main.contacts).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Delete Erika Schmidt' }));
    await user.click(screen.getByRole('button', { name: 'Delete contact' }));
    expect((await screen.findByRole('status')).textContent).toBe('Erika Schmidt was deleted.');
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(1));
    expect(main.contacts.map((c) => c.name)).toEqual(['Hans Meier']);
  });

  it('calls a number through the phone store, and says at the number when the phone is not connected', async () => {
    save(erika);
    const user = userEvent.setup();
    render(<ContactsScreen />);
    const callErika = await screen.findByRole('button', {
      name: 'Call Erika Mustermann, Mobile 0170 1234567',
    });
    await user.click(callErika);
    expect(engine.call).toHaveBeenCalledWith('sip:+491701234567@example.eu;user=phone');
    // The call panel shows the call: the person stays where they were.
    expect(useAppStore.getState().screen).toBe('contacts');
    expect(screen.queryByRole('alert')).toBeNull();

    engine.call.mockResolvedValueOnce({ ok: false, problem: 'not-registered' });
    await user.click(callErika);
    const row = screen.getByRole('listitem');
    expect((await within(row).findByRole('alert')).textContent).toMatch(/not connected/);
  });

  it('shows at the number why a call it started did not go through', async () => {
    save(erika);
    const user = userEvent.setup();
    render(<ContactsScreen />);
    await user.click(
      await screen.findByRole('button', { name: 'Call Erika Mustermann, Mobile 0170 1234567' }),
    );
    // The engine publishes the call as ended: the far end was not reachable (480).
    const failed = callView({
      id: 'call-1',
      direction: 'outgoing',
      state: 'ended',
      endReason: 'unavailable',
    });
    act(() => usePhoneStore.setState({ calls: [], ended: [failed], failed: [failed] }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The call to 0170 1234567 did not go through. The person cannot be reached at the moment.',
    );
  });

  it('says that a stored number cannot be dialled, and that there is no SIP account', async () => {
    save({ ...erika, numbers: [{ label: 'mobile', number: '0170 12' }] });
    main.contacts[0]!.numbers[0]!.number = 'not a number';
    const user = userEvent.setup();
    render(<ContactsScreen />);
    await user.click(await screen.findByRole('button', { name: /^Call Erika Mustermann/ }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'not a number cannot be dialled. Edit the contact and correct the number.',
    );
    expect(engine.call).not.toHaveBeenCalled();

    main.contacts[0]!.numbers[0]!.number = '0170 1234567';
    act(() => main.emit('contacts.changed'));
    useSipAccountStore.setState({ state: { account: null, source: null, manualAllowed: true } });
    await user.click(
      await screen.findByRole('button', { name: 'Call Erika Mustermann, Mobile 0170 1234567' }),
    );
    expect((await screen.findByRole('alert')).textContent).toMatch(/^No SIP account is set up yet/);
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('imports a chosen file and reports what was imported and skipped', async () => {
    const user = userEvent.setup();
    render(<ContactsScreen />);
    const input = await screen.findByLabelText('Import vCard or CSV');
    main.importResult = {
      status: 'imported',
      imported: 2,
      skipped: 1,
      problems: [{ entry: 3, reason: 'no-number' }],
    };
    const vcard = 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë\r\nTEL:1\r\nEND:VCARD\r\n';
    await user.upload(input, new File([vcard], 'contacts.vcf', { type: 'text/vcard' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      '2 contacts imported. 1 entry skipped: entry 3 (no phone number).',
    );
    expect(main.calls.find((c) => c.channel === 'contacts.import')?.input).toEqual({
      format: 'vcard',
      text: vcard,
    });

    // An Outlook CSV in Windows-1252 arrives as text with its umlauts.
    main.importResult = { status: 'refused', reason: 'no-columns' };
    const latin1 = new Uint8Array([
      ...new TextEncoder().encode('Name;Firma\nJ'),
      0xfc,
      ...new TextEncoder().encode('rgen;X\n'),
    ]);
    await user.upload(input, new File([latin1], 'outlook.csv', { type: 'text/csv' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^The CSV file has no columns for a name and a phone number\..* Nothing was imported\.$/,
    );
    expect(main.calls.filter((c) => c.channel === 'contacts.import').at(-1)?.input).toEqual({
      format: 'csv',
      text: 'Name;Firma\nJürgen;X\n',
    });
  });

  it('refuses a file over the size limit without sending it to main', async () => {
    const user = userEvent.setup();
    render(<ContactsScreen />);
    const input = await screen.findByLabelText('Import vCard or CSV');
    await user.upload(input, new File([new Uint8Array(IMPORT_MAX_BYTES + 1)], 'huge.vcf'));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The file is larger than 5 MB. Split it into smaller files. Nothing was imported.',
    );
    expect(main.calls.some((c) => c.channel === 'contacts.import')).toBe(false);
  });

  it('speaks German with the formal address', async () => {
    applyLanguage('de');
    save(erika);
    render(<ContactsScreen />);
    expect(
      await screen.findByRole('button', { name: 'Erika Mustermann anrufen, Mobil 0170 1234567' }),
    ).toBeTruthy();
    expect(screen.getByLabelText('vCard oder CSV importieren')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Kontakt hinzufügen' })).toBeTruthy();
  });
});

describe('useContactName', () => {
  function CallerName({ uri }: { uri: string }) {
    return <p>{useContactName(uri) ?? 'unknown'}</p>;
  }

  it('names a caller from contacts and follows renames', async () => {
    const { id } = save(erika);
    render(<CallerName uri="sip:+491701234567@example.eu" />);
    expect(await screen.findByText('Erika Mustermann')).toBeTruthy();
    await act(async () => {
      save({ ...erika, name: 'Erika Schmidt' }, id);
      main.emit('contacts.changed');
    });
    expect(await screen.findByText('Erika Schmidt')).toBeTruthy();
    cleanup();
    render(<CallerName uri="sip:999@example.eu" />);
    expect(await screen.findByText('unknown')).toBeTruthy();
    await waitFor(() => expect(useContactsStore.getState().names['sip:999@example.eu']).toBeNull());
  });
});
