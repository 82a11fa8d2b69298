import { isAppUrl } from './origin.js';

/** Only these permissions exist for the app, and only for its own origin. */
// 'speaker-selection': setSinkId, so that calls and the ringtone play on the devices chosen in Settings.
const grantable = new Set(['media', 'notifications', 'speaker-selection']);

export interface PermissionDetails {
  mediaTypes?: string[];
  requestingUrl?: string;
}

/**
 * Permission requests: microphone (audio only: no camera, no screen capture), notifications and the choice
 * of audio output, for
 * the app's own origin; everything else is denied.
 */
export function decidePermissionRequest(
  permission: string,
  requestingUrl: string,
  details: PermissionDetails = {},
): boolean {
  if (!isAppUrl(requestingUrl) || !grantable.has(permission)) return false;
  if (permission === 'media') {
    const types = details.mediaTypes ?? [];
    return types.length > 0 && types.every((type) => type === 'audio');
  }
  return true;
}

/** Synchronous permission checks (e.g. enumerating devices, notification state): same rule. */
export function decidePermissionCheck(permission: string, requestingOrigin: string): boolean {
  return grantable.has(permission) && isAppUrl(requestingOrigin);
}
