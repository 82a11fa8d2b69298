import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/engine';
import { useShortcut } from './use-shortcut';
import { usePhoneStore } from '../state/phone-store';
import { useCallParty } from './use-call-party';

function Announcement({ view, hideCaller }: { view: CallView; hideCaller: boolean }) {
  const { t } = useTranslation();
  const keys = useShortcut()('answer').label;
  const { title } = useCallParty(view);
  return (
    <p>
      {hideCaller
        ? t('call.announce.locked', { shortcut: keys })
        : t('call.announce.incoming', { who: title, shortcut: keys })}
    </p>
  );
}

/**
 * Says that a call comes in, for screen readers, whatever has the focus: an assertive live region that is
 * always there (a region added together with its text is not read out reliably).
 */
export function CallAnnouncer({ hideCaller }: { hideCaller: boolean }) {
  const ringing = usePhoneStore((s) => s.calls).filter((view) => view.state === 'incoming');
  return (
    <div className="visually-hidden" aria-live="assertive" aria-atomic="false">
      {ringing.map((view) => (
        <Announcement key={view.id} view={view} hideCaller={hideCaller} />
      ))}
    </div>
  );
}
