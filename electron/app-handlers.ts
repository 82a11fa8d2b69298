import type { AppInfo } from '../shared/ipc/contract.js';
import { ServiceError } from '../shared/ipc/errors.js';
import type { HandlersFor } from './ipc/router.js';
import { isAllowedExternalUrl } from './platform/navigation.js';

export function platformName(platform: NodeJS.Platform): AppInfo['platform'] {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

/** What the app is and where it runs, and links the person opens in the system browser or mail client. */
export function appHandlers(deps: {
  info: AppInfo;
  openExternal(url: string): Promise<void>;
  /** The hosts IT allows links to (platform/navigation.ts `externalHosts`), as the policy is now. */
  allowedHosts(): readonly string[];
}): HandlersFor<'app.getInfo' | 'external.open'> {
  return {
    'app.getInfo': () => deps.info,
    'external.open': async ({ url }) => {
      if (!isAllowedExternalUrl(url, deps.allowedHosts()))
        throw new ServiceError('refused', 'this link cannot be opened');
      await deps.openExternal(url);
      return undefined;
    },
  };
}
