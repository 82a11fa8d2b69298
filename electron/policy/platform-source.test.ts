import { describe, expect, it } from 'vitest';
import { platformPolicySource } from './platform-source.js';
import { LINUX_POLICY_PATH } from './source.js';

describe('platformPolicySource', () => {
  const runReg = async () => ({ exitCode: 1, stdout: '', stderr: '' });
  const readBytes = async (path: string) => {
    throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
  };

  it('reads the registry on Windows', async () => {
    const source = platformPolicySource('win32', { runReg });
    expect(source.location).toMatch(/^HKEY_LOCAL_MACHINE\\Software\\Policies\\.+, then HKEY_CURRENT_USER\\/);
    expect(await source.read()).toEqual({ status: 'absent' });
  });

  it('reads managed preferences on macOS, for the signed-in user', async () => {
    const source = platformPolicySource('darwin', { readBytes, userName: () => 'bob' });
    expect(source.location).toBe(
      '/Library/Managed Preferences/eu.securesoftphone.desktop.plist, then /Library/Managed Preferences/bob/eu.securesoftphone.desktop.plist',
    );
    expect(await source.read()).toEqual({ status: 'absent' });
  });

  it('reads /etc on Linux and other systems', () => {
    expect(platformPolicySource('linux').location).toBe(LINUX_POLICY_PATH);
    expect(platformPolicySource('freebsd').location).toBe(LINUX_POLICY_PATH);
  });

  it('reads the override file instead, on every platform', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      expect(platformPolicySource(platform, { overridePath: '/tmp/policy.json', runReg }).location).toBe(
        '/tmp/policy.json',
      );
    }
    expect(platformPolicySource('linux', { overridePath: '' }).location).toBe(LINUX_POLICY_PATH);
  });
});
