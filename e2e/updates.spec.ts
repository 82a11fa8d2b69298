import { expect, test } from './support/fixtures.js';

test('Settings shows that the browser shell does not update itself', async ({ openApp }) => {
  const { page } = await openApp({ policy: { updateUrl: 'https://updates.example.eu/softphone' } });
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  const updates = page.getByRole('region', { name: 'Updates' });
  await expect(updates.getByRole('status')).toHaveText(
    "This installation is updated by your IT department or your system's package manager.",
  );
  await expect(updates.getByRole('button')).toHaveCount(0);
});
