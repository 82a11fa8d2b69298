import { parse } from 'csv-parse/sync';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './support/fixtures.js';
import { connectedCall, twoRegisteredPhones } from './support/phone.js';

const EXPORT_FILES = [
  'README.txt',
  'audit-log.csv',
  'audit-log.json',
  'contacts.csv',
  'contacts.json',
  'history.csv',
  'history.json',
  'manifest.json',
  'settings.json',
];

/** A CSV file as a spreadsheet reads it: UTF-8 with a byte order mark, one object per row. */
async function readCsv(path: string): Promise<Record<string, string>[]> {
  const bytes = await readFile(path);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  // The app runs with an English (US) system locale: commas, as Excel expects there.
  return parse(bytes, { bom: true, columns: true, delimiter: ',' });
}

test('"Export my data" writes the call and the contact as JSON and CSV into the chosen folder', async ({
  openApp,
}, testInfo) => {
  const phones = await twoRegisteredPhones(openApp);
  const { a, bob } = phones;
  const { outgoing } = await connectedCall(phones);
  await expect(outgoing.getByText('Encrypted, not verified')).toBeVisible();
  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(outgoing).toHaveCount(0);

  // A contact for Bob, with a name a spreadsheet must not run as a formula.
  await a.getByRole('link', { name: 'Contacts' }).click();
  await a.getByRole('button', { name: 'Add contact' }).click();
  await a.getByLabel('Name', { exact: true }).fill('=Bärbel Bob');
  await a.getByLabel('Number 1', { exact: true }).fill(bob.uri);
  await a.getByRole('button', { name: 'Save contact' }).click();
  await expect(a.getByRole('main').getByRole('status')).toHaveText('=Bärbel Bob was saved.');

  await a.getByRole('link', { name: 'Settings' }).click();
  await a.getByRole('button', { name: 'Export my data' }).click();
  const chosen = testInfo.outputPath('alice-export');
  const status = a.getByRole('status').filter({ hasText: 'Your data was exported' });
  await expect(status).toContainText(`Your data was exported to ${join(chosen, 'secure-softphone-export-')}`);
  await expect(status).toContainText(': 1 call, 1 contact and ');

  // The files, read from disk: one new folder named by the UTC time, files for the user only.
  const folders = await readdir(chosen);
  expect(folders).toHaveLength(1);
  expect(folders[0]).toMatch(/^secure-softphone-export-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  const folder = join(chosen, folders[0]!);
  expect((await readdir(folder)).sort()).toEqual(EXPORT_FILES);
  for (const name of EXPORT_FILES) expect((await stat(join(folder, name))).mode & 0o777, name).toBe(0o600);

  const calls = JSON.parse(await readFile(join(folder, 'history.json'), 'utf8'));
  expect(calls).toEqual([
    expect.objectContaining({
      direction: 'outgoing',
      remoteUri: bob.uri,
      disposition: 'answered',
      srtpCipher: expect.any(String),
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    }),
  ]);
  const callRows = await readCsv(join(folder, 'history.csv'));
  expect(callRows).toEqual([
    expect.objectContaining({
      id: calls[0].id,
      direction: 'outgoing',
      remote_uri: bob.uri,
      disposition: 'answered',
      started_at: calls[0].startedAt,
    }),
  ]);

  expect(JSON.parse(await readFile(join(folder, 'contacts.json'), 'utf8'))).toEqual([
    expect.objectContaining({ name: '=Bärbel Bob', numbers: [{ label: 'mobile', number: bob.uri }] }),
  ]);
  expect(await readCsv(join(folder, 'contacts.csv'))).toEqual([
    expect.objectContaining({ name: "'=Bärbel Bob", mobile_phone: bob.uri }),
  ]);

  expect(JSON.parse(await readFile(join(folder, 'settings.json'), 'utf8'))).toMatchObject({
    language: 'system',
    defaultCountry: 'DE',
  });
  const auditEvents = JSON.parse(await readFile(join(folder, 'audit-log.json'), 'utf8'));
  expect(Array.isArray(auditEvents)).toBe(true);
  expect(await readCsv(join(folder, 'audit-log.csv'))).toHaveLength(auditEvents.length);
  expect(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'))).toMatchObject({
    files: { 'history.json': { records: 1 }, 'contacts.json': { records: 1 } },
  });
});

test('"Export my data" is not offered when policy forbids it', async ({ openApp }) => {
  const { page } = await openApp({ policy: { allowExport: false } });
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(
    page.getByText('Your organisation does not allow exporting data from this device.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Export my data' })).toHaveCount(0);
});
