import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { errorKey } from '../ipc/client';
import { useAppStore } from '../state/app-store';
import { useStorageStore } from '../state/storage-store';

/**
 * The whole window while the OS keychain cannot be used: the app keeps its keys and passwords nowhere
 * else, so until then it stores nothing. Says what to install or unlock on this platform.
 */
export function KeychainUnavailableScreen() {
  const { t } = useTranslation();
  const status = useStorageStore((s) => s.status);
  const retry = useStorageStore((s) => s.retry);
  const platform = useAppStore((s) => s.info?.platform ?? 'other');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<FeedbackMessage>(null);

  if (status?.state !== 'keychain-unavailable') return null;

  const onRetry = () => {
    setBusy(true);
    setMessage(null);
    retry().then(
      (next) => {
        setBusy(false);
        // Once the keychain works, the app starts as usual and this screen is gone.
        if (next.state === 'keychain-unavailable')
          setMessage({ kind: 'error', text: t('keychain.stillUnavailable') });
      },
      (error: unknown) => {
        setBusy(false);
        setMessage({ kind: 'error', text: t(errorKey(error)) });
      },
    );
  };

  return (
    <main className="startup">
      <div className="card startup-card keychain-card">
        <span className="brand-mark large">
          <Icon name="shield" size={28} />
        </span>
        <ScreenHeading>{t('keychain.title')}</ScreenHeading>
        <p>{t('keychain.why')}</p>
        <p className="muted">{t(`keychain.reason.${status.reason}`)}</p>
        <h2 className="card-title">{t('keychain.whatToDo')}</h2>
        <p>
          {t(
            status.reason === 'library-missing'
              ? `keychain.libraryMissing.${platform}`
              : `keychain.platform.${platform}`,
          )}
        </p>
        <div className="button-row">
          <button type="button" className="button button-primary" disabled={busy} onClick={onRetry}>
            {t('keychain.retry')}
          </button>
        </div>
        <Feedback message={message} />
        <p className="hint">{t('keychain.help')}</p>
      </div>
    </main>
  );
}
