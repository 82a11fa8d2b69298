import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../shared/policy/schema.js';
import { fakeEvery } from '../../testing/fake-every.js';
import {
  managedPreferencesPaths,
  managedPreferencesPolicySource,
  parsePlistBytes,
  type ReadBytes,
} from './macos-preferences.js';

// Sample files as macOS keeps them: the machine one as XML (as in a profile), the user one as a binary
// plist (as cfprefsd writes them). Both were written with Python's plistlib, not with the library under test.
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const [MACHINE, USER] = managedPreferencesPaths('alice');

function fakeFiles(files: Record<string, Uint8Array>) {
  const readBytes: ReadBytes = async (path) => {
    const bytes = files[path];
    if (!bytes) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    return bytes;
  };
  return { files, readBytes };
}

describe('managedPreferencesPolicySource', () => {
  it('reads the machine file, then the user file, under /Library/Managed Preferences', async () => {
    expect(MACHINE).toBe('/Library/Managed Preferences/eu.securesoftphone.desktop.plist');
    expect(USER).toBe('/Library/Managed Preferences/alice/eu.securesoftphone.desktop.plist');
    const source = managedPreferencesPolicySource({ userName: 'alice', readBytes: fakeFiles({}).readBytes });
    expect(await source.read()).toEqual({ status: 'absent' });
    expect(source.location).toBe(`${MACHINE}, then ${USER}`);
  });

  it('parses XML and binary property lists', () => {
    expect(parsePlistBytes(fixture('managed-machine.xml.plist'))).toMatchObject({ idleLockMinutes: 30 });
    expect(parsePlistBytes(fixture('managed-user.binary.plist'))).toMatchObject({
      idleLockMinutes: 5,
      requireMfa: false,
    });
  });

  it('reads a profile payload as policy, without its Payload* keys', async () => {
    const { readBytes } = fakeFiles({ [MACHINE!]: fixture('managed-machine.xml.plist') });
    const result = await managedPreferencesPolicySource({ userName: 'alice', readBytes }).read();
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(Object.keys(result.policy).sort()).toEqual(
      [
        'extraCaCertificates',
        'iceServers',
        'idleLockMinutes',
        'provider',
        'requireMfa',
        'signInMethods',
      ].sort(),
    );
    expect(result.policy.provider?.wssUrl).toBe('wss://sip.provider.example:7443');
    expect(result.policy.extraCaCertificates?.[0]).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[^]+-----END CERTIFICATE-----\n$/,
    );
  });

  it('lets the machine beat the user, and the user beat the defaults, key by key', async () => {
    const { readBytes } = fakeFiles({
      [MACHINE!]: fixture('managed-machine.xml.plist'),
      [USER!]: fixture('managed-user.binary.plist'),
    });
    const result = await managedPreferencesPolicySource({ userName: 'alice', readBytes }).read();
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const policy = resolvePolicy(result.policy);
    expect(policy.requireMfa).toBe(true); // machine over user
    expect(policy.idleLockMinutes).toBe(30); // machine over user
    expect(policy.provider?.issuer).toBe('https://login.provider.example'); // the machine's, whole
    expect(policy.defaultCountry).toBe('AT'); // user only
    expect(policy.allowExport).toBe(false); // user only
    expect(policy.sessionMaxAgeHours).toBe(12); // default
  });

  it('fails closed on a bad file, naming each bad key and the file', async () => {
    const { readBytes } = fakeFiles({ [USER!]: fixture('managed-invalid.xml.plist') });
    const result = await managedPreferencesPolicySource({ userName: 'alice', readBytes }).read();
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.problems.map((p) => p.key).sort()).toEqual(
      ['colourScheme', 'idleLockMinutes', 'provider.issuer', 'requireMfa'].sort(),
    );
    for (const problem of result.problems) expect(problem.message).toContain(`(in ${USER})`);
  });

  it('fails closed on a file that is no property list', async () => {
    const { readBytes } = fakeFiles({ [MACHINE!]: new TextEncoder().encode('requireMfa = true') });
    const result = await managedPreferencesPolicySource({ userName: 'alice', readBytes }).read();
    expect(result.status).toBe('invalid');
    expect(result.status === 'invalid' && result.problems[0]?.message).toMatch(
      /not a readable property list/,
    );
  });

  it('polls every 30 s and applies a changed file without a restart', async () => {
    const clock = fakeEvery();
    const files = fakeFiles({ [MACHINE!]: fixture('managed-machine.xml.plist') });
    const source = managedPreferencesPolicySource({
      userName: 'alice',
      readBytes: files.readBytes,
      every: clock.every,
    });
    let changes = 0;
    const stop = source.watch(() => (changes += 1));
    await clock.settle();
    expect(clock.timers.map((t) => t.ms)).toEqual([30_000]);
    await clock.advance(30_000);
    expect(changes).toBe(0);

    files.files[USER!] = fixture('managed-user.binary.plist');
    await clock.advance(30_000);
    expect(changes).toBe(1);
    const after = await source.read();
    expect(after.status === 'ok' && after.policy.defaultCountry).toBe('AT');

    delete files.files[MACHINE!];
    await clock.advance(30_000);
    expect(changes).toBe(2); // a removed profile is a change too

    stop();
    files.files[MACHINE!] = fixture('managed-machine.xml.plist');
    await clock.advance(90_000);
    expect(changes).toBe(2);
  });
});
