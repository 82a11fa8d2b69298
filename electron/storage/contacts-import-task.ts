import type { ContactImportResult } from '../../shared/domain/contacts.js';
import type { ParsedImport } from './contacts-import.js';
import type { ContactStore } from './contacts.js';
import { nextStep, type TaskHandle } from './task-progress.js';

/** Contacts stored per step: small enough for a smooth percentage and a prompt Cancel. */
export const IMPORT_STEP = 200;

/**
 * Stores a parsed file's contacts in steps, reporting the percentage; Cancel, or a failure, takes out what
 * this import added, so that an import is whole or nothing.
 */
export async function importParsedContacts(
  store: Pick<ContactStore, 'startImport'>,
  parsed: Extract<ParsedImport, { ok: true }>,
  task: TaskHandle,
): Promise<ContactImportResult> {
  const run = store.startImport();
  const { entries } = parsed;
  const duplicates: number[] = [];
  let imported = 0;
  try {
    for (let start = 0; start < entries.length; start += IMPORT_STEP) {
      task.report(start, entries.length);
      await nextStep();
      if (task.cancelled) {
        run.undo();
        return { status: 'cancelled' };
      }
      const step = run.add(entries.slice(start, start + IMPORT_STEP));
      imported += step.imported;
      duplicates.push(...step.duplicates);
    }
    task.report(entries.length, entries.length);
  } catch (error) {
    run.undo();
    throw error;
  } finally {
    task.end();
  }
  const problems = [
    ...parsed.problems,
    ...duplicates.map((entry) => ({ entry, reason: 'duplicate' as const })),
  ].sort((a, b) => a.entry - b.entry);
  return { status: 'imported', imported, skipped: problems.length, problems: problems.slice(0, 50) };
}
