import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test } from './support/fixtures.js';
import { createSipUser, enterSipAccount, expectRegistered } from './support/phone.js';
import { readStackState } from './support/stack-state.js';

/** SPKI SHA-256 (base64) of the stack's server certificate: what IT would put into the policy. */
function serverPin(): string {
  const certificate = new X509Certificate(readFileSync(readStackState().serverCertPath));
  const spki = certificate.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** A well-formed pin of a key nobody has. */
const foreignPin = createHash('sha256').update('a key the organisation never approved').digest('base64');

test('a SIP edge whose key is not pinned by policy is refused with a clear message', async ({ openApp }) => {
  const user = await createSipUser('pinned');
  const shell = await openApp({ policy: { pinnedSpkiSha256: [foreignPin] } });
  await enterSipAccount(shell.page, user);
  const status = shell.page.getByRole('navigation').getByRole('status');
  await expect(status).toHaveText('The phone server presented a key your organisation has not approved.', {
    timeout: 10_000,
  });
  // It stays refused: no later registration slips through.
  await shell.page.waitForTimeout(1500);
  await expect(status).not.toHaveText('Ready');
  // Main recorded the refusal, by host and reason.
  const events = await shell.services.audit.list();
  expect(events.map(({ type, details }) => ({ type, details }))).toContainEqual({
    type: 'tls.certificateRejected',
    details: { host: new URL(readStackState().wssUrl).hostname, reason: 'pin-mismatch' },
  });
});

test('with the server key pinned the app registers', async ({ openApp }) => {
  const user = await createSipUser('pinned');
  const shell = await openApp({ policy: { pinnedSpkiSha256: [foreignPin, serverPin()] } });
  await enterSipAccount(shell.page, user);
  await expectRegistered(shell.page);
});
