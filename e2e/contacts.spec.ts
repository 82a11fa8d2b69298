import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';
import { twoRegisteredPhones } from './support/phone.js';

/** A vCard 3.0 and a vCard 4.0 card as address books export them, and one card without a number. */
const TEAM_VCF = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Mustermann;Erika;;;',
  'FN:Erika Mustermann',
  'ORG:Beispiel GmbH;Vertrieb',
  'TEL;TYPE=CELL:0170 1234567',
  'EMAIL;TYPE=INTERNET:erika@example.de',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Zoë Quixotic-Brandt',
  'TEL;VALUE=uri;TYPE="work,voice":tel:+49-30-9876543',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Nobody Reachable',
  'EMAIL:nobody@example.de',
  'END:VCARD',
  '',
].join('\r\n');

async function openContacts(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Contacts' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeFocused();
}

async function importFile(page: Page, name: string, text: string | Buffer, mimeType: string): Promise<void> {
  await page
    .getByLabel('Import vCard or CSV')
    .setInputFiles({ name, mimeType, buffer: typeof text === 'string' ? Buffer.from(text) : text });
}

test('contacts: import a vCard, search, edit, favour and delete, kept across a restart of the page', async ({
  openApp,
}) => {
  const { page } = await openApp();
  await openContacts(page);
  const main = page.getByRole('main');
  await expect(main.getByText('No contacts yet')).toBeVisible();

  // A binary file is refused with a reason, and nothing is imported.
  await importFile(
    page,
    'photo.vcf',
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0, 1, 2, 3]),
    'text/vcard',
  );
  await expect(main.getByRole('alert')).toHaveText(
    'This is not a text file. Choose a vCard (.vcf) or CSV file. Nothing was imported.',
  );

  await importFile(page, 'team.vcf', TEAM_VCF, 'text/vcard');
  await expect(main.getByRole('status')).toHaveText(
    '2 contacts imported. 1 entry skipped: entry 3 (no phone number).',
  );
  const rows = main.getByRole('listitem');
  await expect(rows).toHaveCount(2);
  const erika = rows.filter({ hasText: 'Erika Mustermann' });
  await expect(erika).toContainText('Beispiel GmbH, Vertrieb');
  await expect(
    erika.getByRole('button', { name: 'Call Erika Mustermann, Mobile 0170 1234567' }),
  ).toBeVisible();

  // Search by name (accents ignored) and by number in its national form.
  const search = page.getByRole('searchbox', { name: 'Search contacts' });
  await search.fill('zoe quix');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Zoë Quixotic-Brandt');
  await search.fill('030 98765');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('+49-30-9876543');
  await search.fill('nobody');
  await expect(main.getByText('No matching contacts')).toBeVisible();
  await search.fill('');
  await expect(rows).toHaveCount(2);

  // Edit: the form says what is wrong, then saves.
  await erika.getByRole('button', { name: 'Edit Erika Mustermann' }).click();
  const form = page.getByRole('region', { name: 'Edit Erika Mustermann' });
  await expect(form.getByLabel('Name', { exact: true })).toBeFocused();
  await form.getByLabel('Organisation (optional)').fill('Muster AG');
  await form.getByRole('button', { name: 'Add another number' }).click();
  await form.getByLabel('Type of number 2').selectOption('work');
  await form.getByLabel('Number 2', { exact: true }).fill('not a number');
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(form.getByRole('alert')).toHaveText('Please correct the marked fields.');
  await expect(form.getByLabel('Number 2', { exact: true })).toBeFocused();
  await form.getByLabel('Number 2', { exact: true }).fill('+49 89 123456');
  await form.getByRole('button', { name: 'Save contact' }).click();
  await expect(main.getByRole('status')).toHaveText('Erika Mustermann was saved.');
  await expect(form).toHaveCount(0);
  await expect(erika).toContainText('Muster AG');
  await expect(
    erika.getByRole('button', { name: 'Call Erika Mustermann, Work +49 89 123456' }),
  ).toBeVisible();

  // Favourite: first in the list, and the only one under "Favourites".
  const star = page.getByRole('button', { name: 'Favourite: Zoë Quixotic-Brandt' });
  await star.click();
  await expect(star).toHaveAttribute('aria-pressed', 'true');
  await expect(rows.first()).toContainText('Zoë Quixotic-Brandt');
  await page.getByRole('button', { name: 'Favourites' }).click();
  await expect(rows).toHaveCount(1);
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await expect(rows).toHaveCount(2);

  // Delete asks first.
  await erika.getByRole('button', { name: 'Delete Erika Mustermann' }).click();
  await expect(erika.getByRole('alert')).toHaveText(
    'Delete Erika Mustermann from this device? This cannot be undone.',
  );
  await erika.getByRole('button', { name: 'Delete contact' }).click();
  await expect(main.getByRole('status')).toHaveText('Erika Mustermann was deleted.');
  await expect(rows).toHaveCount(1);

  // The contacts live in the encrypted database in main: a new page sees them as they were left.
  await page.reload();
  await openContacts(page);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Zoë Quixotic-Brandt');
  await expect(page.getByRole('button', { name: 'Favourite: Zoë Quixotic-Brandt' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
});

test('caller ID: a call from a number in the contacts is named by the contact, in the call panel and in History', async ({
  openApp,
}) => {
  const phones = await twoRegisteredPhones(openApp);
  const { b, alice } = phones;

  // Bob imports a vCard with Alice's SIP address.
  await b.getByRole('link', { name: 'Contacts' }).click();
  await importFile(
    b,
    'alice.vcf',
    [
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Alice Aus dem Vertrieb',
      'ORG:Beispiel GmbH',
      `IMPP;TYPE=work:${alice.uri}`,
      'END:VCARD',
      '',
    ].join('\r\n'),
    'text/vcard',
  );
  await expect(b.getByRole('main').getByRole('status')).toHaveText('1 contact imported.');

  // The incoming-call panel names the caller from the contacts.
  await phones.a.getByLabel('Number or SIP address').fill(phones.bob.uri);
  await phones.a.getByRole('button', { name: 'Call', exact: true }).click();
  const incoming = b.getByRole('region', { name: 'Call with Alice Aus dem Vertrieb' });
  await expect(incoming.getByRole('status').first()).toHaveText('Incoming call');
  await incoming.getByRole('button', { name: 'Decline' }).click();
  await expect(phones.a.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  await expect(incoming).toHaveCount(0);

  await b.getByRole('link', { name: /^History/ }).click();
  const row = b.getByRole('main').getByRole('listitem');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Alice Aus dem Vertrieb');
  await expect(row.getByRole('button', { name: 'Call back Alice Aus dem Vertrieb' })).toBeVisible();

  // Renaming the contact renames the caller in History.
  await b.getByRole('link', { name: 'Contacts' }).click();
  await b.getByRole('button', { name: 'Edit Alice Aus dem Vertrieb' }).click();
  await b.getByLabel('Name', { exact: true }).fill('Alice Beispiel');
  await b.getByRole('button', { name: 'Save contact' }).click();
  await expect(b.getByRole('main').getByRole('status')).toHaveText('Alice Beispiel was saved.');
  await b.getByRole('link', { name: /^History/ }).click();
  await expect(row).toContainText('Alice Beispiel');
});

test('a large import shows its percentage and can be cancelled, leaving nothing imported', async ({
  openApp,
}) => {
  const { page } = await openApp();
  await openContacts(page);
  const cards = Array.from({ length: 10_000 }, (_, i) =>
    ['BEGIN:VCARD', 'VERSION:3.0', `FN:Person ${i}`, `TEL:030 ${1_000_000 + i}`, 'END:VCARD'].join('\r\n'),
  );
  await importFile(page, 'everyone.vcf', `${cards.join('\r\n')}\r\n`, 'text/vcard');
  const progress = page.getByRole('progressbar', { name: 'Importing everyone.vcf…' });
  // Main has begun storing: the bar has a value, and Cancel can stop it.
  await expect(progress).toHaveAttribute('aria-valuenow', /^\d+$/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  const main = page.getByRole('main');
  await expect(main.getByRole('status')).toHaveText('Import cancelled. Nothing was imported.');
  await expect(progress).toHaveCount(0);
  await expect(main.getByText('No contacts yet')).toBeVisible();

  // The same file again, to the end: every contact is there.
  await importFile(page, 'everyone.vcf', `${cards.join('\r\n')}\r\n`, 'text/vcard');
  await expect(main.getByRole('status')).toHaveText('10000 contacts imported.', { timeout: 30_000 });
});
