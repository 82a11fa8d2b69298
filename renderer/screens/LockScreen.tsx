import { useTranslation } from 'react-i18next';
import { CallDock } from '../components/CallDock';
import { Feedback } from '../components/Feedback';
import { useSessionLockStore } from '../state/session-lock-store';

/**
 * The locked app: nothing personal (no names, numbers, history or contacts). Ringing calls still show,
 * without the caller, and can be answered.
 */
export function LockScreen() {
  const { t } = useTranslation();
  const reauthRequired = useSessionLockStore((s) => s.reauthRequired);
  const reauthenticating = useSessionLockStore((s) => s.reauthenticating);
  const error = useSessionLockStore((s) => s.error);
  const unlockFailure = useSessionLockStore((s) => s.unlockFailure);
  const unlock = useSessionLockStore((s) => s.unlock);
  const cancelUnlock = useSessionLockStore((s) => s.cancelUnlock);
  return (
    <main className="startup lock-screen">
      <CallDock hideCaller />
      <div className="card startup-card">
        <h1 className="screen-title">{t('lock.title')}</h1>
        <p className="muted">{reauthRequired ? t('lock.reauthBody') : t('lock.body')}</p>
        {reauthenticating && (
          <p className="hint" role="status">
            {t('lock.reauthenticating')}
          </p>
        )}
        {/* An alert, so that a screen reader says why the app is still locked; Unlock tries again. */}
        <Feedback
          message={
            error
              ? { kind: 'error', text: t(error) }
              : unlockFailure
                ? {
                    kind: 'error',
                    text: t('lock.unlockFailed', { reason: t(`signIn.errors.${unlockFailure}`) }),
                  }
                : null
          }
        />
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={() => void unlock()}>
            {t('lock.unlock')}
          </button>
          {/* The browser may be hidden or closed: the person can give up here, and the reason says so. */}
          {reauthenticating && (
            <button type="button" className="button button-secondary" onClick={() => void cancelUnlock()}>
              {t('signIn.cancel')}
            </button>
          )}
        </div>
      </div>
    </main>
  );
}
