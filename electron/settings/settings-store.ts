import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultSettings, Settings, type SettingsPatch } from '../../shared/settings/settings.js';

/**
 * User preferences in a small JSON file. It never holds personal data or secrets: those live in the
 * encrypted database and the keychain.
 */
export interface SettingsStore {
  get(): Settings;
  update(patch: SettingsPatch): Promise<Settings>;
  /** Back to defaults, the file removed (part of deleting all data). */
  reset(): Promise<void>;
}

export async function openSettingsStore(
  dataDir: string,
  now: () => Date = () => new Date(),
): Promise<SettingsStore> {
  const path = join(dataDir, 'settings.json');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let current = await load(path, now);

  return {
    get: () => current,
    async update(patch) {
      const next = Settings.parse({ ...current, ...patch });
      const temp = `${path}.tmp`;
      await writeFile(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, path);
      current = next;
      return current;
    },
    async reset() {
      await rm(path, { force: true });
      current = defaultSettings;
    },
  };
}

async function load(path: string, now: () => Date): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings;
    throw error;
  }
  try {
    // Merge with defaults so that a file from an older version gains new keys.
    return Settings.parse({ ...defaultSettings, ...JSON.parse(text) });
  } catch {
    // Keep the unreadable file for inspection instead of overwriting it.
    await rename(path, `${path}.invalid-${now().toISOString().replace(/[:.]/g, '-')}`);
    return defaultSettings;
  }
}
