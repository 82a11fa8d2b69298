import type { AuditEvent } from '../../shared/audit/catalog.js';
import { probeSecretStore, type SecretStore } from '../secrets/secret-store.js';
import { openEncryptedDatabase } from '../storage/database.js';
import { openAuditStore } from './audit-store.js';

/**
 * Appends one event to the audit log when the app is about to stop before it could start (a policy that
 * does not validate): the log keeps it, and the sync delivers it at the next start that succeeds. Without
 * a usable keychain or an openable database nothing can be recorded, and nothing is written elsewhere.
 */
export async function recordBeforeStopping(
  deps: { databasePath: string; secrets: SecretStore; appVersion: string; now(): number },
  event: AuditEvent,
): Promise<boolean> {
  try {
    await probeSecretStore(deps.secrets);
    const db = await openEncryptedDatabase(deps.databasePath, deps.secrets);
    try {
      const store = await openAuditStore({
        db,
        secrets: deps.secrets,
        appVersion: deps.appVersion,
        now: deps.now,
      });
      store.append(event);
      await store.close();
      return true;
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}
