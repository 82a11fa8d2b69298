/**
 * The app's id on Windows (AppUserModelID) and macOS (bundle id): electron-builder.yml's `appId`. The NSIS
 * installer gives its shortcuts this id, and Windows shows a toast only for an id that a Start-menu shortcut
 * carries, so `app.setAppUserModelId` must use the same (build/packaging.test.ts compares them).
 */
export const APP_USER_MODEL_ID = 'eu.securesoftphone.desktop';

/**
 * package.json `desktopName` (Linux): the .desktop file that deb and rpm install, that xdg-settings names as
 * the handler of phone links, and that the autostart entry and the launcher badge go by.
 */
export const DESKTOP_NAME = 'secure-softphone.desktop';
