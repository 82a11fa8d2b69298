import { DebUpdater } from 'electron-updater';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { httpUpdater, type HttpUpdater } from '../../electron/updates/updater-http.js';

/** electron-updater's stand-in for Electron's app (not exported by name from its entry point). */
type AppAdapter = NonNullable<ConstructorParameters<typeof DebUpdater>[1]>;

/**
 * electron-updater as a self-updating Linux build runs it, for the browser shell: the real updater, feed
 * parsing, download and SHA-512 check, with the shell standing in for Electron's app object. Its files
 * (`app-update.yml` as electron-builder writes it, the download cache) live in `dir`. The shell never
 * installs: quitting or relaunching for an update is refused.
 *
 * It is the deb flavour because it needs nothing of Electron or of an AppImage to check and download; which
 * package it would install does not matter to the HTTP it does.
 */
export async function createShellUpdater(options: { dir: string; version: string }): Promise<HttpUpdater> {
  await mkdir(options.dir, { recursive: true });
  const appUpdateConfigPath = join(options.dir, 'app-update.yml');
  await writeFile(appUpdateConfigPath, 'updaterCacheDirName: secure-softphone-updater\n');
  const app: AppAdapter = {
    version: options.version,
    name: 'Secure Softphone',
    isPackaged: true,
    appUpdateConfigPath,
    userDataPath: options.dir,
    baseCachePath: join(options.dir, 'cache'),
    whenReady: async () => undefined,
    relaunch() {
      throw new Error('the browser shell does not restart into updates');
    },
    quit() {
      throw new Error('the browser shell does not quit for updates');
    },
    onQuit: () => undefined,
  };
  const updater = new DebUpdater(null, app);
  updater.logger = null;
  return httpUpdater(updater);
}
