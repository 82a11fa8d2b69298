import AxeBuilder from '@axe-core/playwright';
import { readdir } from 'node:fs/promises';
import type { SecretStore } from '../electron/secrets/secret-store.js';
import { DATABASE_KEY_ITEM } from '../electron/storage/database.js';
import { expect, test } from './support/fixtures.js';

/**
 * The real keychain behind a lock: until `unlock()`, it behaves like a keyring that D-Bus started without
 * an unlocked collection (FIELD-NOTES): writes fail, reads quietly answer null. Keytar keeps one D-Bus
 * connection per process, so the worker's real keyring cannot be taken away and given back in one test.
 */
function lockedKeychain() {
  let unlocked = false;
  let real: SecretStore | null = null;
  const locked = () => Promise.reject(new Error('Cannot create an item in a locked collection'));
  return {
    unlock: () => void (unlocked = true),
    real: () => real!,
    wrap(keychain: SecretStore): SecretStore {
      real = keychain;
      return {
        service: keychain.service,
        get: (key) => (unlocked ? keychain.get(key) : Promise.resolve(null)),
        set: (key, value) => (unlocked ? keychain.set(key, value) : locked()),
        delete: (key) => (unlocked ? keychain.delete(key) : Promise.resolve(false)),
        list: () => (unlocked ? keychain.list() : Promise.resolve([])),
        clear: () => (unlocked ? keychain.clear() : locked()),
      };
    },
  };
}

test('without a usable keychain the app explains what to do, stores nothing, and continues after "Try again"', async ({
  openApp,
}) => {
  const keychain = lockedKeychain();
  let dataDir = '';
  const { page } = await openApp({
    systemLocale: 'de-DE',
    wrapSecrets: (real) => keychain.wrap(real),
    prepareDataDir: async (dir) => {
      dataDir = dir;
    },
  });

  const heading = page.getByRole('heading', {
    level: 1,
    name: 'Der Schlüsselbund des Systems ist nicht verfügbar',
  });
  await expect(heading).toBeFocused();
  await expect(page.getByText('Der Schlüsselbund ist gesperrt.')).toBeVisible();
  if (process.platform === 'linux') await expect(page.getByText(/GNOME Keyring/)).toBeVisible();
  // The whole window: no navigation, no sign-in.
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Ohne Anmeldung fortfahren' })).toHaveCount(0);
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter(
    (v) => v.impact === 'serious' || v.impact === 'critical',
  );
  expect(violations.map((v) => v.id)).toEqual([]);

  await page.keyboard.press('Tab');
  const retry = page.getByRole('button', { name: 'Erneut versuchen' });
  await expect(retry).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Der Schlüsselbund ist weiterhin nicht verfügbar.');
  // No plaintext fallback: no database, and the real keychain holds nothing of this instance.
  expect(await readdir(dataDir)).not.toContain('softphone.db');
  expect(await keychain.real().list()).toEqual([]);

  keychain.unlock();
  await retry.click();
  await expect(page.getByRole('button', { name: 'Ohne Anmeldung fortfahren' })).toBeVisible();
  expect(await readdir(dataDir)).toContain('softphone.db');
  expect(await keychain.real().get(DATABASE_KEY_ITEM)).toMatch(/^[0-9a-f]{64}$/);
});
