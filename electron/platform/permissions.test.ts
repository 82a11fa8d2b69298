import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decidePermissionCheck, decidePermissionRequest } from './permissions.js';

const APP = 'app://softphone/index.html';

describe('permission handler', () => {
  it('grants the microphone (audio only) and notifications to the app', () => {
    expect(decidePermissionRequest('media', APP, { mediaTypes: ['audio'] })).toBe(true);
    expect(decidePermissionRequest('notifications', APP)).toBe(true);
    expect(decidePermissionRequest('speaker-selection', APP)).toBe(true);
    expect(decidePermissionCheck('speaker-selection', APP)).toBe(true);
    expect(decidePermissionCheck('media', 'app://softphone')).toBe(true);
  });

  it('refuses camera and screen capture even to the app', () => {
    expect(decidePermissionRequest('media', APP, { mediaTypes: ['video'] })).toBe(false);
    expect(decidePermissionRequest('media', APP, { mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(decidePermissionRequest('media', APP, {})).toBe(false);
    expect(decidePermissionRequest('display-capture', APP)).toBe(false);
  });

  it('refuses every other permission', () => {
    for (const permission of [
      'geolocation',
      'clipboard-read',
      'midi',
      'midiSysex',
      'hid',
      'serial',
      'usb',
      'openExternal',
      'pointerLock',
      'fullscreen',
      'idle-detection',
      'storage-access',
    ]) {
      expect(decidePermissionRequest(permission, APP), permission).toBe(false);
      expect(decidePermissionCheck(permission, 'app://softphone'), permission).toBe(false);
    }
  });

  // CPU-bound (fast-check builds 100 web URLs): a generous limit, so that a loaded machine does not fail it.
  it('gives foreign origins nothing', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(
        fc.webUrl(),
        fc.constantFrom('media', 'notifications', 'geolocation'),
        (url, permission) => {
          return (
            !decidePermissionRequest(permission, url, { mediaTypes: ['audio'] }) &&
            !decidePermissionCheck(permission, url)
          );
        },
      ),
    );
  });
});
