import { expect, test } from './support/fixtures.js';
import { createSipUser, registeredPhone } from './support/phone.js';

// A call that does not go through says why, where the person pressed: at the contact's number, and in
// the History row it was called back from. The callee exists at the registrar but is not registered:
// the edge answers 480 Temporarily Unavailable.

test('a failed call from Contacts and from History shows its reason at the place pressed', async ({
  openApp,
}) => {
  test.setTimeout(60_000);
  const alice = await registeredPhone(openApp, 'alice');
  const away = await createSipUser('away');
  const { page } = alice;

  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByLabel('Import vCard or CSV').setInputFiles({
    name: 'away.vcf',
    mimeType: 'text/vcard',
    buffer: Buffer.from(
      ['BEGIN:VCARD', 'VERSION:4.0', 'FN:Away Person', `IMPP:${away.uri}`, 'END:VCARD', ''].join('\r\n'),
    ),
  });
  await expect(page.getByRole('main').getByRole('status')).toHaveText('1 contact imported.');
  const row = page.getByRole('main').getByRole('listitem').filter({ hasText: 'Away Person' });
  await row.getByRole('button', { name: /^Call Away Person/ }).click();
  await expect(row.getByRole('alert')).toHaveText(
    `The call to ${away.username} did not go through. The person cannot be reached at the moment.`,
  );
  await expect(page.getByRole('region', { name: /^Call with / })).toHaveCount(0);

  await page.getByRole('link', { name: 'History' }).click();
  const history = page.getByRole('main').getByRole('listitem');
  await expect(history).toHaveCount(1);
  await expect(history).toContainText('Outgoing · failed');
  await history.getByRole('button', { name: 'Call back Away Person' }).click();
  // The new failed call joins the list; the reason stays with the row that was pressed.
  await expect(history).toHaveCount(2);
  const pressed = history.filter({ has: page.getByRole('alert') });
  await expect(pressed).toHaveCount(1);
  await expect(pressed.getByRole('alert')).toHaveText(
    `The call to ${away.username} did not go through. The person cannot be reached at the moment.`,
  );
});

test('without a SIP account, Contacts says so at the number pressed, and nothing is dialled', async ({
  openApp,
}) => {
  const { page } = await openApp();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Contacts' }).click();
  await page.getByLabel('Import vCard or CSV').setInputFiles({
    name: 'erika.vcf',
    mimeType: 'text/vcard',
    buffer: Buffer.from(
      ['BEGIN:VCARD', 'VERSION:3.0', 'FN:Erika', 'TEL:0170 1234567', 'END:VCARD', ''].join('\r\n'),
    ),
  });
  const row = page.getByRole('main').getByRole('listitem');
  await row.getByRole('button', { name: 'Call Erika, Other 0170 1234567' }).click();
  await expect(row.getByRole('alert')).toHaveText(
    'No SIP account is set up yet. Add one in Settings to call 0170 1234567.',
  );
});
