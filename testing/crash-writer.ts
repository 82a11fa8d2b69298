// The child program of crash-safety.test.ts: opens the real encrypted database with the key it is given
// and writes call history in a loop until it is killed. Each line on stdout acknowledges a write that
// had returned before the line was written, so the parent knows which records must survive a kill.
import { writeSync } from 'node:fs';
import { createMemorySecretStore } from './memory-secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from '../electron/storage/database.js';
import { createHistoryStore } from '../electron/storage/history.js';

// Its environment: CRASH_WRITER_DATABASE (the file), CRASH_WRITER_KEY (the database key, 64 hex digits, as
// the keychain would hold it) and CRASH_WRITER_PREFIX (of the call ids, unique per run).

/** A bound on the loop, so that a child whose parent died cannot fill the disk. */
const MAX_CALLS = 200_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Synchronous, so that a line is in the pipe before the next write starts. */
function acknowledge(line: string): void {
  writeSync(1, `${line}\n`);
}

async function main(): Promise<void> {
  const path = required('CRASH_WRITER_DATABASE');
  const secrets = createMemorySecretStore({ [DATABASE_KEY_ITEM]: required('CRASH_WRITER_KEY') });
  const prefix = required('CRASH_WRITER_PREFIX');
  const db = await openEncryptedDatabase(path, secrets);
  const history = createHistoryStore(db);
  acknowledge('open');
  for (let i = 0; i < MAX_CALLS; i += 1) {
    const callId = `${prefix}-${i}`;
    const at = 1_700_000_000_000 + i * 1000;
    history.apply({
      type: 'started',
      callId,
      at,
      direction: i % 2 === 0 ? 'incoming' : 'outgoing',
      account: 'sip:me@example.eu',
      remoteUri: `sip:+4930${String(i).padStart(8, '0')}@example.eu`,
      remoteName: `Caller ${prefix} ${i}`,
    });
    acknowledge(`started ${callId}`);
    history.apply({ type: 'ended', callId, at: at + 500, disposition: 'missed', cause: 'Canceled' });
    acknowledge(`ended ${callId}`);
  }
  db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
