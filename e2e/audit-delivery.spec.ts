import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import { AuditEvent } from '../shared/audit/catalog.js';
import { expect, test } from './support/fixtures.js';
import { answered, dialFrom, expectRegistered, registeredPhone } from './support/phone.js';
import { providerAuditEvents } from './support/provider-audit.js';
import { completeAtBroker, providerPolicy, signInWithProviderAccount } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// Issue 6, "Done when": each user-visible event of the audit trail reaches the provider's audit ingest once,
// with the right content. The app runs in the browser shell against the provider test stack; the person
// does everything through the UI, and the spec reads what the provider stored (e2e/support/provider-audit.ts).

/** Delivery is debounced and retried by the app; on a busy machine it may take a few seconds. */
const DELIVERY = { timeout: 20_000 };

test('sign-in, a refused and a cancelled sign-in, lock, unlock, a SAS mismatch, an export and a policy change each reach the provider once', async ({
  openApp,
}, testInfo) => {
  // Three sign-in attempts through the broker's pages, a call and an export: well over the default 30 s.
  test.setTimeout(150_000);
  const state = readStackState();
  const dora = state.signInUsers.auditor;
  const nico = state.signInUsers.googleWithoutMfa;
  const name = 'audited';
  const shell = await openApp({ name, policy: providerPolicy(state) });
  const { page, context } = shell;

  // A refused sign-in: a Google account without a second factor, while policy requires one (the default).
  const refusedAt = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Continue with Google' }).click();
  await completeAtBroker(await refusedAt, nico);
  await expect(page.getByRole('alert')).toContainText('Your organisation requires a second factor');

  // A failed sign-in: the person cancels in the app while the broker's page is open.
  const cancelledAt = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Continue with Google' }).click();
  await cancelledAt;
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveText('Sign-in was cancelled.');

  // The sign-in: from here on the app holds an access token, and what waited on the device goes out.
  await signInWithProviderAccount(shell, dora);
  await expectRegistered(page);

  // This device, as the provider knows it: the device id of its first event, once that arrived.
  const local = async () => shell.services.audit.list();
  const started = (await local()).find((event) => event.type === 'app.started');
  expect(started).toBeDefined();
  await expect.poll(() => providerAuditEvents({ id: started!.id }).length, DELIVERY).toBe(1);
  const deviceId = providerAuditEvents({ id: started!.id })[0]!.deviceId;

  // Lock and unlock (within the session age: no new sign-in).
  await page.getByRole('button', { name: 'Lock now' }).click();
  await expect(page.getByRole('heading', { name: 'The app is locked' })).toBeVisible();
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Phone' })).toBeVisible();

  // A call to a second instance (a manually set up SIP account); the codes are reported as different.
  const peer = await registeredPhone(openApp, 'saspeer');
  const { outgoing } = await answered(await dialFrom(page, peer.page, peer.user.uri));
  await expect(outgoing.getByText('Encrypted, not verified')).toBeVisible();
  const callId = await page.locator('audio[data-call-id]').getAttribute('data-call-id');
  expect(callId).toBeTruthy();
  await outgoing.getByRole('button', { name: 'Codes differ' }).click();
  await expect(outgoing.getByRole('alert')).toContainText('The codes differ');
  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(outgoing).toHaveCount(0);

  // "Export my data" (the fixture's folder stands for the one the person chooses).
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Export my data' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your data was exported' })).toContainText(
    ': 1 call, 0 contacts and ',
  );

  // IT changes the policy while the app runs: the file is replaced, as configuration management does it.
  // (The fixture wrote this instance's policy to `<name>-policy.json` in the test's output folder.)
  const policyPath = testInfo.outputPath(`${name}-policy.json`);
  const changedPolicy = { ...JSON.parse(await readFile(policyPath, 'utf8')), idleLockMinutes: 30 };
  await writeFile(`${policyPath}.new`, JSON.stringify(changedPolicy, null, 2));
  await rename(`${policyPath}.new`, policyPath);
  // The administrator sees the new value on the Policy screen: the app has taken it over.
  await page.getByRole('link', { name: 'Policy' }).click();
  await expect(
    page
      .getByRole('term')
      .filter({ hasText: /^Lock after idle minutes$/ })
      .locator('xpath=following-sibling::dd[1]'),
  ).toHaveText('30');

  // Each event is at the provider once, from this device, with the details the catalog allows and no more.
  const digest = createHash('sha256')
    .update(canonicalize(changedPolicy) ?? '')
    .digest('hex');
  const exported = (await local()).filter((event) => event.type === 'data.exported');
  expect(exported).toHaveLength(1);
  const expected: { type: AuditEvent['type']; details: object }[] = [
    {
      type: 'auth.signInRefusedNoMfa',
      details: { method: 'google', amr: 'pwd', acr: 'urn:softphone:acr:pwd' },
    },
    { type: 'auth.signInFailed', details: { method: 'google', reason: 'cancelled' } },
    { type: 'auth.signInSucceeded', details: { method: 'provider', mfa: true, mfaProof: 'amr' } },
    { type: 'session.locked', details: { reason: 'user' } },
    { type: 'session.unlocked', details: { reauthenticated: false } },
    { type: 'call.sasMismatchReported', details: { callId } },
    {
      type: 'data.exported',
      details: { calls: 1, contacts: 0, auditEvents: exported[0]!.details.auditEvents, files: 9 },
    },
    { type: 'policy.changed', details: { keys: 'idleLockMinutes', digest } },
  ];
  for (const { type, details } of expected) {
    await expect
      .poll(() => providerAuditEvents({ deviceId, type }).map((event) => event.details), {
        ...DELIVERY,
        message: `${type} at the provider`,
      })
      .toEqual([details]);
  }

  // Nothing lost, nothing doubled: the provider holds exactly the device's log, link for link.
  const links = async () => ({
    kept: (await local()).map(({ id, sequence, type, details }) => ({ id, seq: sequence, type, details })),
    held: providerAuditEvents({ deviceId }).map(({ id, seq, type, details }) => ({ id, seq, type, details })),
  });
  await expect
    .poll(async () => {
      const { kept, held } = await links();
      return {
        missing: kept.filter((link) => !held.some((other) => isDeepStrictEqual(link, other))),
        extra: held.filter((link) => !kept.some((other) => isDeepStrictEqual(link, other))),
      };
    }, DELIVERY)
    .toEqual({ missing: [], extra: [] });
  const held = providerAuditEvents({ deviceId });
  for (const { type } of expected)
    expect(
      held.filter((event) => event.type === type),
      type,
    ).toHaveLength(1);

  const signedInAt = held.find((event) => event.type === 'auth.signInSucceeded')!.seq;
  for (const event of held) {
    // Delivered with Dora's access token: the provider knows who from the token, not from the details.
    expect(event.sub).toBe(dora.sub);
    // Each event names who was signed in when it happened: nobody before Dora's sign-in, Dora from then on.
    expect(event.user, event.type).toBe(event.seq < signedInAt ? null : dora.sub);
    // Details exactly as the catalog defines them (its schemas are strict: no extra fields).
    expect(AuditEvent.safeParse({ type: event.type, details: event.details }).success, event.type).toBe(true);
    // No personal data: no names, addresses or numbers of either party.
    const text = JSON.stringify(event);
    for (const personal of [
      dora.email,
      dora.name,
      dora.sipUsername,
      nico.email,
      nico.name,
      peer.user.username,
      peer.user.uri,
    ])
      expect(text, `${event.type} carries ${personal}`).not.toContain(personal);
  }
});
