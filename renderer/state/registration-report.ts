import { call } from '../ipc/client';
import { usePhoneStore } from './phone-store';

/**
 * Tells main the phone line's state whenever it changes, for the tray icon (main knows calls and Do Not
 * Disturb itself). A refused report changes nothing for the phone.
 */
export function reportRegistrationToMain(): () => void {
  let last: string | null = null;
  const report = (state: 'offline' | 'connecting' | 'registered' | 'error') => {
    if (state === last) return;
    last = state;
    void call('phone.registrationChanged', { state }).catch(() => undefined);
  };
  report(usePhoneStore.getState().registration.state);
  return usePhoneStore.subscribe((phone) => report(phone.registration.state));
}
