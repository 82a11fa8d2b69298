import type { DialLinkState, lineStatuses } from '../shared/ipc/contract.js';
import type { HandlersFor } from './ipc/router.js';

/**
 * What only the desktop app has (electron/platform/): the OS's handler for phone links and the tray that
 * shows the phone line. The browser shell and tests have none: links are then unavailable.
 */
export interface DesktopIntegration {
  dialLinks(): DialLinkState;
  registerDialLinks(): Promise<DialLinkState>;
  lineChanged(state: (typeof lineStatuses)[number]): void;
}

const unavailable: DialLinkState = { handled: 'unavailable', confirmInSystemSettings: false };

export function desktopHandlers(
  desktop: DesktopIntegration | undefined,
): HandlersFor<'dialLinks.state' | 'dialLinks.register' | 'phone.registrationChanged'> {
  return {
    'dialLinks.state': () => desktop?.dialLinks() ?? unavailable,
    'dialLinks.register': () => desktop?.registerDialLinks() ?? unavailable,
    'phone.registrationChanged': ({ state }) => {
      desktop?.lineChanged(state);
      return undefined;
    },
  };
}
