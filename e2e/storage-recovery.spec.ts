import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3-multiple-ciphers';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHELL_ORIGIN } from './shell/shell.js';
import { expect, test } from './support/fixtures.js';

const NAME = 'Erika Mustermann';
const NUMBER = '+4989123456';

test('a foreign database file: the user sees why, saves diagnostics, starts over, and History works', async ({
  openApp,
}) => {
  let dataDir = '';
  let original = Buffer.alloc(0);
  const { page, services } = await openApp({
    // Before the app starts, a plain (unencrypted) SQLite file with personal data takes the database's place.
    prepareDataDir: async (dir) => {
      dataDir = dir;
      const plain = new Database(join(dir, 'softphone.db'));
      plain.exec(`CREATE TABLE people (name, number); INSERT INTO people VALUES ('${NAME}', '${NUMBER}');`);
      plain.close();
      original = await readFile(join(dir, 'softphone.db'));
    },
  });

  const seriousViolations = async () =>
    (await new AxeBuilder({ page }).analyze()).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'History' }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Your stored data cannot be opened' }),
  ).toBeFocused();
  await expect(page.getByRole('alert')).toContainText('not an encrypted file of Secure Softphone');
  expect(await seriousViolations()).toEqual([]);

  await page.getByRole('button', { name: 'Export diagnostics' }).click();
  const saveLink = page.getByRole('link', {
    name: /^Save report \(softphone-storage-diagnostics-.+\.json\)$/,
  });
  await expect(saveLink).toBeFocused();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toMatch(/^softphone-storage-diagnostics-[0-9TZ-]+\.json$/);
  const report = await readFile(await download.path(), 'utf8');
  expect(JSON.parse(report)).toMatchObject({
    storage: { state: 'error', reason: 'foreign-file' },
    database: {
      header: 'plain-sqlite',
      files: [
        { name: 'softphone.db', bytes: original.length },
        { name: 'softphone.db-wal', bytes: null },
        { name: 'softphone.db-shm', bytes: null },
      ],
    },
    keychain: { usable: true, databaseKey: 'absent' },
  });
  for (const personal of [NAME, NUMBER, 'people', dataDir]) expect(report).not.toContain(personal);

  await page.getByRole('button', { name: 'Start over…' }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Start over with an empty history?' });
  await expect(dialog).toContainText('The unreadable file is not deleted.');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect(await seriousViolations()).toEqual([]);
  await dialog.getByRole('button', { name: 'Start over' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await expect(page.getByText('No calls yet')).toBeVisible();

  // The old file is kept aside, byte for byte; a new encrypted database took its place.
  const kept = (await readdir(dataDir)).filter((name) => name.startsWith('softphone.db.unreadable-'));
  expect(kept).toHaveLength(1);
  expect((await readFile(join(dataDir, kept[0]!))).equals(original)).toBe(true);
  const header = (await readFile(join(dataDir, 'softphone.db'))).subarray(0, 16).toString('latin1');
  expect(header).not.toBe('SQLite format 3\0');

  // History works again: a call the phone reports to main appears in the list.
  const reportCall = (event: object) =>
    services.router.handle(`${SHELL_ORIGIN}/index.html`, 'call.report', event);
  await reportCall({
    type: 'started',
    callId: 'after-start-over',
    at: Date.now(),
    direction: 'incoming',
    account: 'sip:me@example.eu',
    remoteUri: 'sip:+4930555123@example.eu',
    remoteName: 'Max Beispiel',
  });
  await reportCall({
    type: 'ended',
    callId: 'after-start-over',
    at: Date.now(),
    disposition: 'missed',
    cause: 'Canceled',
  });
  await expect(page.getByText('Max Beispiel', { exact: true })).toBeVisible();
});
