import { describe, expect, it } from 'vitest';
import { canSelfUpdate } from './updater.js';

describe('canSelfUpdate', () => {
  it('updates packaged Windows, macOS and AppImage builds only', () => {
    expect(canSelfUpdate(true, 'win32', undefined)).toBe(true);
    expect(canSelfUpdate(true, 'darwin', undefined)).toBe(true);
    expect(canSelfUpdate(true, 'linux', '/home/a/Secure-Softphone.AppImage')).toBe(true);
    // deb/rpm: the package repository updates the app.
    expect(canSelfUpdate(true, 'linux', undefined)).toBe(false);
    expect(canSelfUpdate(false, 'win32', undefined)).toBe(false);
  });
});
