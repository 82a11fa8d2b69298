import { useState } from 'react';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { LockedHint } from '../components/LockedHint';
import { useTranslation } from 'react-i18next';
import { call, errorKey } from '../ipc/client';
import { useAppStore } from '../state/app-store';

/** The user's right to erasure on this device: crypto-shredding after an explicit confirmation. */
export function DataRightsSection() {
  const { t } = useTranslation();
  const allowed = useAppStore((s) => s.policy?.allowDelete ?? true);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<FeedbackMessage>(null);

  const deleteAll = () => {
    call('data.deleteAll', { confirm: true }).then(
      () => {
        setConfirming(false);
        setMessage({ kind: 'status', text: t('data.deleted') });
      },
      (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  return (
    <section className="card settings-card" aria-labelledby="data-title">
      <h2 id="data-title" className="card-title">
        {t('data.title')}
      </h2>
      <p className="hint">{t('data.intro')}</p>
      {!allowed ? (
        <LockedHint>{t('data.deleteForbidden')}</LockedHint>
      ) : confirming ? (
        <div className="button-row confirm-row">
          <p role="alert">{t('data.confirm')}</p>
          <button type="button" className="button button-danger" onClick={deleteAll}>
            {t('data.confirmYes')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
            {t('data.cancel')}
          </button>
        </div>
      ) : (
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
            {t('data.deleteAll')}
          </button>
        </div>
      )}
      <Feedback message={message} />
    </section>
  );
}
