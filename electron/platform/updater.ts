import { autoUpdater } from 'electron-updater';
import { httpUpdater, type HttpUpdater } from '../updates/updater-http.js';

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
 * Nothing here loosens verification: signatures are checked by electron-updater's defaults. Its requests go
 * through main's HTTP client once the services hand it over (`useHttp`), not through Electron's `net`.
 */
export function electronUpdater(
  isPackaged: boolean,
  platform: NodeJS.Platform,
  appImage: string | undefined,
): HttpUpdater | null {
  if (!canSelfUpdate(isPackaged, platform, appImage)) return null;
  // Never in a development build, and no logger that could print feed URLs with credentials.
  autoUpdater.forceDevUpdateConfig = false;
  autoUpdater.logger = null;
  return httpUpdater(autoUpdater);
}
