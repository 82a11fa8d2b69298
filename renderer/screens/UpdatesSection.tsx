import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateStatus } from '../../shared/domain/updates';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { LockedHint } from '../components/LockedHint';
import { call, errorKey, subscribe } from '../ipc/client';

/** Automatic updates: one status line from main, "Check now", and restart into a downloaded update. */
export function UpdatesSection() {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [message, setMessage] = useState<FeedbackMessage>(null);

  useEffect(() => {
    let active = true;
    const unsubscribe = subscribe('updates.changed', (next) => setStatus(next));
    call('updates.status', undefined).then(
      (next) => {
        if (active) setStatus(next);
      },
      (error: unknown) => {
        if (active) setMessage({ kind: 'error', text: t(errorKey(error)) });
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [t]);

  const act = (channel: 'updates.check' | 'updates.install') => {
    setMessage(null);
    call(channel, undefined).catch((error: unknown) =>
      setMessage({ kind: 'error', text: t(errorKey(error)) }),
    );
  };

  const line = (value: UpdateStatus): string => {
    switch (value.state) {
      case 'up-to-date':
        return t('updates.status.up-to-date', {
          time: new Intl.DateTimeFormat(i18n.language, { timeStyle: 'short' }).format(value.checkedAt),
        });
      case 'downloading':
        return t('updates.status.downloading', { version: value.version, percent: value.percent });
      case 'ready':
        return t('updates.status.ready', { version: value.version });
      case 'error':
        return t('updates.status.error', { message: value.message });
      default:
        return t(`updates.status.${value.state}`);
    }
  };

  const canCheck = status !== null && ['idle', 'up-to-date', 'error'].includes(status.state);

  return (
    <section className="card settings-card" aria-labelledby="updates-title">
      <h2 id="updates-title" className="card-title">
        {t('updates.title')}
      </h2>
      {status?.state === 'disabled-by-policy' ? (
        <LockedHint>{line(status)}</LockedHint>
      ) : (
        <p className="hint" role="status" aria-live="polite">
          {status ? line(status) : ''}
        </p>
      )}
      {(canCheck || status?.state === 'ready') && (
        <div className="button-row">
          {canCheck && (
            <button type="button" className="button button-secondary" onClick={() => act('updates.check')}>
              {t('updates.checkNow')}
            </button>
          )}
          {status?.state === 'ready' && (
            <button type="button" className="button" onClick={() => act('updates.install')}>
              {t('updates.restart')}
            </button>
          )}
        </div>
      )}
      <Feedback message={message} />
    </section>
  );
}
