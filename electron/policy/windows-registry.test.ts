import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../shared/policy/schema.js';
import { fakeEvery } from '../../testing/fake-every.js';
import { POLICY_POLL_MS } from './layered-source.js';
import {
  registryLayerContent,
  registryPolicySource,
  type RegRunResult,
  type RunReg,
} from './windows-registry.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const KEY = 'Software\\Policies\\SecureSoftphone\\SecureSoftphone';
const MACHINE = `HKEY_LOCAL_MACHINE\\${KEY}`;
const USER = `HKEY_CURRENT_USER\\${KEY}`;

// What reg.exe prints for a key that does not exist: nothing on stdout, exit code 1.
const missing: RegRunResult = {
  exitCode: 1,
  stdout: '',
  stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n',
};
const found = (stdout: string): RegRunResult => ({ exitCode: 0, stdout, stderr: '' });

/** A fake reg.exe over a registry held in a plain object, which tests may change. */
function fakeReg(registry: Record<string, RegRunResult>) {
  const calls: string[][] = [];
  const runReg: RunReg = async (args) => {
    calls.push([...args]);
    expect(args[0]).toBe('query');
    expect(args[2]).toBe('/s');
    return registry[args[1]!] ?? missing;
  };
  return { runReg, calls };
}

describe('registryPolicySource', () => {
  it('reads HKLM, then HKCU, with `reg query <key> /s`', async () => {
    const reg = fakeReg({});
    const source = registryPolicySource({ runReg: reg.runReg });
    expect(await source.read()).toEqual({ status: 'absent' });
    expect(reg.calls).toEqual([
      ['query', MACHINE, '/s'],
      ['query', USER, '/s'],
    ]);
    expect(source.location).toBe(`${MACHINE}, then ${USER}`);
  });

  it('maps registry values back to policy keys', async () => {
    const reg = fakeReg({ [MACHINE]: found(fixture('reg-query-machine.txt')) });
    const result = await registryPolicySource({ runReg: reg.runReg }).read();
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.policy).toEqual({
      provider: {
        issuer: 'https://login.provider.example',
        clientId: 'secure-softphone',
        wssUrl: 'wss://sip.provider.example:7443',
        apiBaseUrl: 'https://api.provider.example',
      },
      signInMethods: ['company', 'provider'],
      requireMfa: true,
      idleLockMinutes: 30,
      historyRetentionDays: 365,
      extraCaCertificates: [
        expect.stringMatching(/^-----BEGIN CERTIFICATE-----\nMIIB[^]*-----END CERTIFICATE-----\n$/),
      ],
      iceServers: [
        {
          urls: ['turns:turn.provider.example:443?transport=tcp'],
          username: 'softphone',
          credential: 'two  spaces',
        },
      ],
    });
    // The PEM lines come back as one certificate with its line breaks.
    expect(result.policy.extraCaCertificates?.[0]?.split('\n')).toHaveLength(12);
  });

  it('lets the machine beat the user, and the user beat the defaults, key by key', async () => {
    const reg = fakeReg({
      [MACHINE]: found(fixture('reg-query-machine.txt')),
      [USER]: found(fixture('reg-query-user.txt')),
    });
    const result = await registryPolicySource({ runReg: reg.runReg }).read();
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const policy = resolvePolicy(result.policy);
    expect(policy.requireMfa).toBe(true); // machine 1 over user 0
    expect(policy.idleLockMinutes).toBe(30); // machine 30 over user 5
    expect(policy.defaultCountry).toBe('AT'); // user only
    expect(policy.companyDomains).toEqual(['example.eu', 'example.at']); // user only
    expect(policy.allowExport).toBe(false); // user only
    expect(policy.updateChannel).toBe('beta'); // user only
    expect(policy.sessionMaxAgeHours).toBe(12); // neither: the default
  });

  it('takes the provider as a whole from one hive, never half from each', async () => {
    const user = `\r\n${USER}\r\n    ProviderIssuer    REG_SZ    https://login.elsewhere.example\r\n    ProviderClientId    REG_SZ    mine\r\n    ProviderWssUrl    REG_SZ    wss://sip.elsewhere.example\r\n    ProviderApiBaseUrl    REG_SZ    https://api.elsewhere.example\r\n\r\n`;
    const both = fakeReg({ [MACHINE]: found(fixture('reg-query-machine.txt')), [USER]: found(user) });
    const result = await registryPolicySource({ runReg: both.runReg }).read();
    expect(result.status === 'ok' && result.policy.provider?.wssUrl).toBe('wss://sip.provider.example:7443');
    const userOnly = fakeReg({ [USER]: found(user) });
    const fromUser = await registryPolicySource({ runReg: userOnly.runReg }).read();
    expect(fromUser.status === 'ok' && fromUser.policy.provider?.wssUrl).toBe('wss://sip.elsewhere.example');
  });

  it('fails closed on a bad policy, naming each bad key and the hive it is in', async () => {
    const reg = fakeReg({ [MACHINE]: found(fixture('reg-query-invalid.txt')) });
    const result = await registryPolicySource({ runReg: reg.runReg }).read();
    expect(result.status).toBe('invalid');
    if (result.status !== 'invalid') return;
    expect(result.problems.map((p) => p.key).sort()).toEqual(
      [
        'ColourScheme',
        'Extra\\Anything',
        'allowDelete',
        'idleLockMinutes',
        'provider.issuer',
        'requireMfa',
        'signInMethods',
      ].sort(),
    );
    const byKey = new Map(result.problems.map((p) => [p.key, p.message]));
    expect(byKey.get('requireMfa')).toBe(
      `must be REG_DWORD, found REG_SZ (value RequireMfa) (in ${MACHINE})`,
    );
    expect(byKey.get('allowDelete')).toMatch(/^must be REG_DWORD 1 \(on\) or 0 \(off\)/);
    expect(byKey.get('provider.issuer')).toMatch(/https/);
    for (const message of byKey.values()) expect(message).toContain(`(in ${MACHINE})`);
  });

  it('fails closed when a valid machine policy meets a bad user policy', async () => {
    const user = `\r\n${USER}\r\n    IdleLockMinutes    REG_SZ    5\r\n\r\n`;
    const reg = fakeReg({ [MACHINE]: found(fixture('reg-query-machine.txt')), [USER]: found(user) });
    const result = await registryPolicySource({ runReg: reg.runReg }).read();
    expect(result).toMatchObject({
      status: 'invalid',
      problems: [
        {
          key: 'idleLockMinutes',
          message: `must be REG_DWORD, found REG_SZ (value IdleLockMinutes) (in ${USER})`,
          issue: { code: 'registry-type', expected: 'REG_DWORD', found: 'REG_SZ', value: 'IdleLockMinutes' },
          where: USER,
        },
      ],
    });
  });

  it('fails closed when reg.exe cannot run or fails for another reason than a missing key', async () => {
    const broken = registryPolicySource({
      runReg: async () => {
        throw Object.assign(new Error('spawn reg.exe ENOENT'), { code: 'ENOENT' });
      },
    });
    const result = await broken.read();
    expect(result.status).toBe('invalid');
    expect(result.status === 'invalid' && result.problems[0]?.message).toMatch(
      /^cannot be read: reg\.exe: spawn reg\.exe ENOENT/,
    );
    expect(
      registryLayerContent(MACHINE, { exitCode: 5, stdout: '', stderr: 'ERROR: Access is denied.' }),
    ).toEqual({
      status: 'unreadable',
      issue: { code: 'registry-query', exitCode: 5, detail: 'ERROR: Access is denied.' },
    });
  });

  it('treats a key without values as absent', () => {
    expect(registryLayerContent(MACHINE, found(`\r\n${MACHINE}\r\n\r\n`))).toEqual({ status: 'absent' });
  });

  it('polls every 30 s and reports a change once, without a restart', async () => {
    const clock = fakeEvery();
    const registry: Record<string, RegRunResult> = { [MACHINE]: found(fixture('reg-query-machine.txt')) };
    const reg = fakeReg(registry);
    const source = registryPolicySource({ runReg: reg.runReg, every: clock.every });
    let changes = 0;
    const stop = source.watch(() => (changes += 1));
    await clock.settle();
    expect(clock.timers.map((t) => t.ms)).toEqual([POLICY_POLL_MS]);
    expect(POLICY_POLL_MS).toBe(30_000);

    await clock.advance(30_000);
    expect(changes).toBe(0); // nothing changed

    registry[USER] = found(fixture('reg-query-user.txt'));
    await clock.advance(29_999);
    expect(changes).toBe(0); // not yet polled
    await clock.advance(1);
    expect(changes).toBe(1);
    const after = await source.read();
    expect(after.status === 'ok' && after.policy.defaultCountry).toBe('AT');

    await clock.advance(60_000);
    expect(changes).toBe(1); // a change is reported once

    delete registry[MACHINE];
    stop();
    const callsAtStop = reg.calls.length;
    await clock.advance(120_000);
    expect(changes).toBe(1);
    expect(reg.calls.length).toBe(callsAtStop);
  });
});
