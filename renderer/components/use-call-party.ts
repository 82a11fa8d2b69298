import type { CallView } from '../phone/engine';
import { partyOf, type Party } from '../format/party';
import { useAppStore } from '../state/app-store';
import { useContactName } from '../state/contacts-store';
import { usePhoneStore } from '../state/phone-store';

/** Who a call is with, as the panel, the notification and the announcement name them. */
export function useCallParty(view: CallView): Party {
  // Caller ID: a contact's name wins over the display name the far end sends.
  const contact = useContactName(view.remoteUri);
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const domain = usePhoneStore((s) => s.engine().domain);
  return partyOf(view.remoteUri, { contact, display: view.remoteName }, country, domain);
}
