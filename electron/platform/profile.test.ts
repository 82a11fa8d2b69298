import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appProfile } from './profile.js';

describe('app profile', () => {
  const appData = join('/home', 'ana', '.config');

  it('keeps Electron’s default folder and the real keychain service for the installed app', () => {
    expect(appProfile(true, appData, 'Secure Softphone')).toEqual({
      userDataDir: null,
      keychainService: 'secure-softphone',
    });
  });

  it('gives a development run its own folder and a keychain service named to match', () => {
    const dev = appProfile(false, appData, 'Secure Softphone');
    expect(dev).toEqual({
      userDataDir: join(appData, 'Secure Softphone (dev)'),
      keychainService: 'secure-softphone (dev)',
    });
    // Never the installed app's folder or keychain entry.
    expect(dev.userDataDir).not.toBe(join(appData, 'Secure Softphone'));
    expect(dev.keychainService).not.toBe(appProfile(true, appData, 'Secure Softphone').keychainService);
  });
});
