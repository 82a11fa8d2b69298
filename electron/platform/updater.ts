import { autoUpdater } from 'electron-updater';
import type { UpdateServiceOptions } from '../updates/update-service.js';

/**
 * Whether this installation can update itself: packaged Windows (NSIS/MSI) and macOS builds, and a Linux
 * AppImage. deb and rpm installs follow the system's package repository instead (README, "For IT").
 */
export function canSelfUpdate(
  isPackaged: boolean,
  platform: NodeJS.Platform,
  appImage: string | undefined,
): boolean {
  if (!isPackaged) return false;
  if (platform === 'linux') return Boolean(appImage);
  return platform === 'win32' || platform === 'darwin';
}

/**
 * electron-updater's `autoUpdater` for the update service, or null where the build cannot update itself.
 * Nothing here loosens verification: signatures are checked by electron-updater's defaults.
 */
export function electronUpdater(
  isPackaged: boolean,
  platform: NodeJS.Platform,
  appImage: string | undefined,
): UpdateServiceOptions['updater'] {
  if (!canSelfUpdate(isPackaged, platform, appImage)) return null;
  // Never in a development build, and no logger that could print feed URLs with credentials.
  autoUpdater.forceDevUpdateConfig = false;
  autoUpdater.logger = null;
  return {
    port: autoUpdater,
    listen(events) {
      autoUpdater.on('checking-for-update', () => events.checking());
      autoUpdater.on('update-available', (info) => events.available(info.version));
      autoUpdater.on('update-not-available', () => events.notAvailable());
      autoUpdater.on('download-progress', (progress) => events.progress(progress.percent));
      autoUpdater.on('update-downloaded', (info) => events.downloaded(info.version));
      autoUpdater.on('error', (error) => events.error(error));
    },
  };
}
