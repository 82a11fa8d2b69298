import { useEffect, useState } from 'react';
import type { Contact } from '../../shared/domain/contacts';
import type { CallRecord } from '../../shared/domain/history';
import { call, hasBridge, subscribe } from '../ipc/client';

/** How many favourites and recent calls the Phone screen shows. */
export const GLANCE_FAVOURITES = 8;
export const GLANCE_RECENT = 5;

export interface Glance {
  favourites: Contact[];
  recent: CallRecord[];
  /** The encrypted database is not open: neither list can be shown. */
  unavailable: boolean;
}

const empty: Glance = { favourites: [], recent: [], unavailable: false };

async function read(): Promise<Glance> {
  const storage = await call('storage.status', undefined);
  if (storage.state !== 'ready') return { ...empty, unavailable: true };
  const [favourites, recent] = await Promise.all([
    call('contacts.list', { search: '', favouritesOnly: true, limit: GLANCE_FAVOURITES }),
    call('history.list', { filter: 'all', search: '', limit: GLANCE_RECENT }),
  ]);
  return { favourites, recent, unavailable: false };
}

/**
 * Favourites and the latest calls for the Phone screen, read from main and again whenever contacts or
 * history change. Kept apart from the Contacts and History screens' own lists and filters.
 */
export function useGlance(): Glance {
  const [glance, setGlance] = useState<Glance>(empty);
  useEffect(() => {
    if (!hasBridge()) return;
    let live = true;
    // The newest read wins; a failed one keeps what is shown.
    let reads = 0;
    const refresh = () => {
      const current = (reads += 1);
      read().then(
        (next) => live && current === reads && setGlance(next),
        () => undefined,
      );
    };
    const stops = [subscribe('contacts.changed', refresh), subscribe('history.changed', refresh)];
    refresh();
    return () => {
      live = false;
      for (const stop of stops) stop();
    };
  }, []);
  return glance;
}
