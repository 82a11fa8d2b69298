import type { DataExportRequest, DataExportResult } from '../../shared/domain/data-export.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { EffectivePolicy } from '../../shared/policy/schema.js';
import type { Settings } from '../../shared/settings/settings.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import { csvDelimiterFor, exportUserData } from './export.js';
import { createHistoryStore } from './history.js';
import type { StorageLifecycle } from './storage-lifecycle.js';
import type { TaskRegistry } from './task-progress.js';

export interface DataRightsDeps {
  storage: Pick<
    StorageLifecycle,
    | 'exclusive'
    | 'requireKeychain'
    | 'requireHistory'
    | 'requireContacts'
    | 'requireDatabase'
    | 'shred'
    | 'open'
  >;
  policy(): Pick<EffectivePolicy, 'allowDelete' | 'allowExport'>;
  /** Revokes and forgets the session before the keychain is shredded. */
  forgetSession(): Promise<void>;
  /** Forgets the proxy logins, also those typed for this run only (the keychain's go with the shredding). */
  forgetProxyLogins(): Promise<void>;
  settings: { own(): Settings; reset(): Promise<void>; announce(): void };
  /** The SIP account's state after everything is gone (the window shows first run). */
  announceSipAccount(): void;
  audit: AuditTrail;
  /** Asks the person for a folder; null when they cancel. Without it, exporting is not available. */
  chooseExportFolder?(labels: DataExportRequest): Promise<string | null>;
  systemLocale: string;
  app: { name: string; version: string };
  now(): number;
  emit: Emit;
  /** The export reports its progress and can be cancelled. */
  tasks: Pick<TaskRegistry, 'begin'>;
}

/** The person's rights over their data on this device: "Export my data" and "Delete all my data". */
export function dataRightsHandlers(deps: DataRightsDeps): HandlersFor<'data.deleteAll' | 'data.export'> {
  const { storage } = deps;
  const requireExportAllowed = () => {
    if (!deps.policy().allowExport)
      throw new ServiceError('refused', 'exporting data is turned off by policy');
  };
  return {
    'data.deleteAll': () =>
      storage.exclusive(async () => {
        if (!deps.policy().allowDelete)
          throw new ServiceError('refused', 'deleting data is turned off by policy');
        // Shredding starts with the keys: without a working keychain they cannot be destroyed.
        storage.requireKeychain();
        // The session goes first (revoked at the provider while its refresh token is still there).
        await deps.forgetSession();
        await deps.forgetProxyLogins();
        await storage.shred();
        await deps.settings.reset();
        // First run again: a new key and an empty database.
        await storage.open();
        deps.emit('history.changed', {});
        deps.emit('contacts.changed', {});
        deps.settings.announce();
        deps.announceSipAccount();
        return undefined;
      }),
    'data.export': async (labels): Promise<DataExportResult> => {
      requireExportAllowed();
      if (!deps.chooseExportFolder) throw new ServiceError('not-available', 'no folder can be chosen here');
      storage.requireHistory();
      // The folder dialog stays open as long as the person likes: it holds up nothing else.
      const parent = await deps.chooseExportFolder(labels);
      if (parent === null) return { status: 'cancelled' };
      return storage.exclusive(async () => {
        // Policy or storage may have changed while the dialog was open.
        requireExportAllowed();
        const database = storage.requireDatabase();
        const task = deps.tasks.begin('data-export');
        return exportUserData(
          {
            // The history as stored (the name the far end sent); contacts are exported beside it.
            history: createHistoryStore(database),
            contacts: storage.requireContacts(),
            settings: deps.settings.own(),
            audit: deps.audit,
          },
          {
            parent,
            now: deps.now(),
            delimiter: csvDelimiterFor(deps.systemLocale),
            app: deps.app,
          },
          task,
        ).finally(() => task.end());
      });
    },
  };
}
