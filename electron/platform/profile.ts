import { join } from 'node:path';

/** The keychain service of the installed app (its database key, sessions and SIP credentials). */
export const KEYCHAIN_SERVICE = 'secure-softphone';

export interface AppProfile {
  /**
   * Electron's `userData` (settings, the encrypted database, Chromium's profile, the single-instance lock),
   * or null for Electron's default (`appData`/product name), which an installed app keeps.
   */
  userDataDir: string | null;
  keychainService: string;
}

/**
 * Where this run keeps its data. A development run (`npm start`, not packaged) gets its own folder, e.g.
 * "Secure Softphone (dev)", and its own keychain service, "secure-softphone (dev)": sharing the installed
 * app's folder with a different keychain entry made a developer's run find the real database without its
 * key and offer "start over". Separate folders also give separate single-instance locks, so both can run.
 */
export function appProfile(isPackaged: boolean, appDataDir: string, productName: string): AppProfile {
  if (isPackaged) return { userDataDir: null, keychainService: KEYCHAIN_SERVICE };
  return {
    userDataDir: join(appDataDir, `${productName} (dev)`),
    keychainService: `${KEYCHAIN_SERVICE} (dev)`,
  };
}
