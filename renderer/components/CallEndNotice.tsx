import { useTranslation } from 'react-i18next';
import type { CallView } from '../phone/call-view';

function who(view: CallView): string {
  return view.remoteName ?? view.remoteUri.replace(/^sips?:/, '').replace(/;.*$/, '');
}

/**
 * Why a call ended, for the calls that did not end the ordinary way (busy, not found, no audio, an
 * encryption the app does not accept…): shown after the call's card has gone, until closed or for a few
 * seconds. While the app is locked it names nobody.
 */
export function CallEndNotices({
  ended,
  onDismiss,
  hideCaller = false,
}: {
  /** The phone store's `ended` calls. */
  ended: CallView[];
  /** The engine's `dismissEnded`. */
  onDismiss(id: string): void;
  hideCaller?: boolean;
}) {
  const { t } = useTranslation();
  if (ended.length === 0) return null;
  return (
    <>
      {ended.map((view) => (
        <div key={view.id} className="call-end-notice feedback feedback-error" role="alert">
          <p>
            <strong>
              {hideCaller ? t('call.endNotice.labelLocked') : t('call.endNotice.label', { who: who(view) })}
            </strong>{' '}
            {view.endReason && t(`call.endReason.${view.endReason}`)}
          </p>
          <button type="button" className="button button-secondary" onClick={() => onDismiss(view.id)}>
            {t('call.endNotice.dismiss')}
          </button>
        </div>
      ))}
    </>
  );
}
