import { useEffect } from 'react';
import { create } from 'zustand';
import {
  IMPORT_MAX_BYTES,
  type Contact,
  type ContactImportResult,
  type ContactInput,
  type ImportFormat,
} from '../../shared/domain/contacts';
import type { StorageStatus } from '../../shared/domain/history';
import { call, hasBridge, subscribe } from '../ipc/client';
import { useSessionLockStore } from './session-lock-store';

const PAGE = 100;

interface ContactsState {
  storage: StorageStatus | null;
  search: string;
  favouritesOnly: boolean;
  contacts: Contact[];
  hasMore: boolean;
  /** Caller ID names by SIP URI: a name, null for "no contact", absent while not looked up. */
  names: Record<string, string | null>;
  load(): Promise<void>;
  setSearch(search: string): Promise<void>;
  setFavouritesOnly(favouritesOnly: boolean): Promise<void>;
  loadMore(): Promise<void>;
  create(input: ContactInput): Promise<Contact>;
  update(id: string, input: ContactInput): Promise<Contact | null>;
  remove(id: string): Promise<boolean>;
  setFavourite(id: string, favourite: boolean): Promise<void>;
  importText(format: ImportFormat, text: string): Promise<ContactImportResult>;
  lookupName(uri: string): Promise<string | null>;
}

let subscribed = false;
/** Whether the Contacts screen has loaded the list (only then is it refreshed on changes). */
let viewing = false;
const pendingLookups = new Map<string, Promise<string | null>>();

/** The address book as main keeps it in the encrypted database; refreshed when main says it changed. */
export const useContactsStore = create<ContactsState>()((set, get) => {
  const fetchFirstPage = async () => {
    const storage = await call('storage.status', undefined);
    if (storage.state !== 'ready') {
      set({ storage, contacts: [], hasMore: false });
      return;
    }
    const { search, favouritesOnly } = get();
    const contacts = await call('contacts.list', { search, favouritesOnly, limit: PAGE });
    // An answer to an older query must not overwrite the newer one's.
    if (get().search !== search || get().favouritesOnly !== favouritesOnly) return;
    set({ storage, contacts, hasMore: contacts.length === PAGE });
  };
  /** Names already shown are looked up again in place, so that caller ID never blinks. */
  const refreshNames = async () => {
    const uris = Object.keys(get().names);
    const fresh = await Promise.all(
      uris.map((uri) => call('contacts.lookup', { uri }).catch(() => get().names[uri] ?? null)),
    );
    set({ names: Object.fromEntries(uris.map((uri, i) => [uri, fresh[i] ?? null])) });
  };
  const watch = () => {
    if (subscribed || !hasBridge()) return;
    subscribed = true;
    // A refresh that fails keeps what is shown; the next change or visit tries again.
    const refreshList = () => void fetchFirstPage().catch(() => {});
    subscribe('contacts.changed', () => {
      void refreshNames();
      if (viewing) refreshList();
    });
    // The database may have opened (or been replaced) since: history changes say so.
    subscribe('history.changed', () => {
      if (viewing && get().storage?.state !== 'ready') refreshList();
    });
  };
  return {
    storage: null,
    search: '',
    favouritesOnly: false,
    contacts: [],
    hasMore: false,
    names: {},
    async load() {
      watch();
      viewing = true;
      await fetchFirstPage();
    },
    async setSearch(search) {
      set({ search });
      await fetchFirstPage();
    },
    async setFavouritesOnly(favouritesOnly) {
      set({ favouritesOnly });
      await fetchFirstPage();
    },
    async loadMore() {
      const { search, favouritesOnly, contacts } = get();
      const more = await call('contacts.list', {
        search,
        favouritesOnly,
        limit: PAGE,
        offset: contacts.length,
      });
      set({ contacts: [...contacts, ...more], hasMore: more.length === PAGE });
    },
    create: (input) => call('contacts.create', input),
    update: (id, input) => call('contacts.update', { ...input, id }),
    remove: (id) => call('contacts.delete', { id }),
    async setFavourite(id, favourite) {
      await call('contacts.setFavourite', { id, favourite });
    },
    importText: (format, text) => call('contacts.import', { format, text }),
    lookupName(uri) {
      watch();
      // Main refuses caller ID while the app is locked: the name comes after unlock, and nothing is remembered.
      if (useSessionLockStore.getState().locked) return Promise.resolve(null);
      const known = get().names[uri];
      if (known !== undefined) return Promise.resolve(known);
      let pending = pendingLookups.get(uri);
      if (!pending) {
        pending = call('contacts.lookup', { uri })
          .then((name) => {
            set({ names: { ...get().names, [uri]: name } });
            return name;
          })
          // Not cached: the database may open later.
          .catch(() => null)
          .finally(() => pendingLookups.delete(uri));
        pendingLookups.set(uri, pending);
      }
      return pending;
    },
  };
});

/**
 * Caller ID: the name of the contact with this SIP URI's number or address, or null (also while it is
 * being looked up). It follows edits of contacts. For components; other code can use `contactNameFor`.
 */
export function useContactName(uri: string | null | undefined): string | null {
  const name = useContactsStore((s) => (uri ? s.names[uri] : null));
  const lookupName = useContactsStore((s) => s.lookupName);
  useEffect(() => {
    if (uri && name === undefined) void lookupName(uri);
  }, [uri, name, lookupName]);
  return name ?? null;
}

/** Caller ID outside React: the contact's name for a SIP URI, or null. */
export function contactNameFor(uri: string): Promise<string | null> {
  return useContactsStore.getState().lookupName(uri);
}

export type ReadFileResult =
  { ok: true; format: ImportFormat; text: string } | { ok: false; reason: 'too-large' };

/**
 * Reads a chosen file's text for import: UTF-8 (with or without BOM), UTF-16 with BOM (Outlook's
 * "Unicode" CSV), else Windows-1252 (older Outlook and Excel CSV exports in Western Europe). The format
 * follows the file name, else the content.
 */
export async function readContactFile(file: File): Promise<ReadFileResult> {
  if (file.size > IMPORT_MAX_BYTES) return { ok: false, reason: 'too-large' };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes);
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('windows-1252').decode(bytes);
    }
  }
  const name = file.name.toLowerCase();
  const format: ImportFormat = /\.(vcf|vcard)$/.test(name)
    ? 'vcard'
    : /\.(csv|tsv)$/.test(name)
      ? 'csv'
      : /^\s*BEGIN:VCARD/i.test(text)
        ? 'vcard'
        : 'csv';
  return { ok: true, format, text };
}
