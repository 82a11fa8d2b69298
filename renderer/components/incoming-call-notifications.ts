import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { call as callMain, subscribe } from '../ipc/client';
import { formatAddress, partyOf } from '../format/party';
import type { CallView } from '../phone/engine';
import { useAppStore } from '../state/app-store';
import { contactNameFor } from '../state/contacts-store';
import { usePhoneStore } from '../state/phone-store';

/**
 * Ringing calls also appear as OS notifications (Answer/Decline where the platform has buttons); the
 * notification goes when the call stops ringing.
 */
export function useIncomingCallNotifications(calls: CallView[], hideCaller: boolean): void {
  const { t } = useTranslation();
  const engine = usePhoneStore((s) => s.engine);
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const notified = useRef(new Set<string>());

  useEffect(
    () =>
      subscribe('call.notificationAction', ({ callId, action }) => {
        if (action === 'answer') void engine().answer(callId);
        else if (action === 'decline') engine().decline(callId);
      }),
    [engine],
  );

  useEffect(() => {
    const ringing = new Set(calls.filter((view) => view.state === 'incoming').map((view) => view.id));
    for (const view of calls) {
      if (!ringing.has(view.id) || notified.current.has(view.id)) continue;
      notified.current.add(view.id);
      // While the app is locked, the notification names nobody either.
      void (hideCaller ? Promise.resolve(null) : contactNameFor(view.remoteUri))
        .catch(() => null)
        .then((contact) => {
          // The call may have stopped ringing while the contact was looked up.
          if (!notified.current.has(view.id)) return;
          const domain = engine().domain;
          const party = partyOf(view.remoteUri, { contact, display: view.remoteName }, country, domain);
          return callMain('call.notifyIncoming', {
            callId: view.id,
            title: hideCaller ? t('lock.incomingCall') : t('call.notification.title', { who: party.title }),
            body: hideCaller ? t('lock.title') : formatAddress(view.remoteUri, country, domain),
            answerLabel: t('call.answer'),
            declineLabel: t('call.decline'),
          });
        })
        .catch(() => undefined);
    }
    for (const id of notified.current) {
      if (ringing.has(id)) continue;
      notified.current.delete(id);
      void callMain('call.dismissNotification', { callId: id }).catch(() => undefined);
    }
  }, [calls, t, hideCaller, country, engine]);
}
