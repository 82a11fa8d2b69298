import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import { parseContactFile } from './contacts-import.js';
import { importParsedContacts } from './contacts-import-task.js';
import type { StorageLifecycle } from './storage-lifecycle.js';
import type { TaskRegistry } from './task-progress.js';

type ContactChannel =
  | 'contacts.list'
  | 'contacts.get'
  | 'contacts.create'
  | 'contacts.update'
  | 'contacts.delete'
  | 'contacts.setFavourite'
  | 'contacts.import'
  | 'contacts.lookup';

/** The Contacts screen's channels and caller ID, over the contact store of the open database. */
export function contactHandlers(deps: {
  storage: Pick<StorageLifecycle, 'requireContacts'>;
  /** Imports report their progress and can be cancelled. */
  tasks: Pick<TaskRegistry, 'begin'>;
  emit: Emit;
}): HandlersFor<ContactChannel> {
  const contacts = () => deps.storage.requireContacts();
  /** Contacts changed: their list, and the names caller ID gives history rows. */
  const changed = () => {
    deps.emit('contacts.changed', {});
    deps.emit('history.changed', {});
  };
  return {
    'contacts.list': (query) => contacts().list(query),
    'contacts.get': ({ id }) => contacts().get(id),
    'contacts.create': (input) => {
      const contact = contacts().create(input);
      changed();
      return contact;
    },
    'contacts.update': ({ id, ...input }) => {
      const contact = contacts().update(id, input);
      if (contact) changed();
      return contact;
    },
    'contacts.delete': ({ id }) => {
      const deleted = contacts().delete(id);
      if (deleted) changed();
      return deleted;
    },
    'contacts.setFavourite': ({ id, favourite }) => {
      const contact = contacts().setFavourite(id, favourite);
      if (contact) deps.emit('contacts.changed', {});
      return contact;
    },
    'contacts.import': async ({ format, text }) => {
      const store = contacts();
      const parsed = parseContactFile(format, text);
      if (!parsed.ok) return { status: 'refused', reason: parsed.reason };
      const result = await importParsedContacts(store, parsed, deps.tasks.begin('contacts-import'));
      if (result.status === 'imported' && result.imported > 0) changed();
      return result;
    },
    // Refused (not null) while the database is closed, so that the renderer does not remember "no name".
    'contacts.lookup': ({ uri }) => contacts().nameForUri(uri),
  };
}
