import { useState } from 'react';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { LockedHint } from '../components/LockedHint';
import { TaskProgress } from '../components/TaskProgress';
import { useTranslation } from 'react-i18next';
import { call, errorKey } from '../ipc/client';
import { useAppStore } from '../state/app-store';

/**
 * The user's data rights on this device: export (access and portability) into a folder the user picks in
 * main's folder dialog, and erasure by crypto-shredding after an explicit confirmation.
 */
export function DataRightsSection() {
  const { t } = useTranslation();
  const allowed = useAppStore((s) => s.policy?.allowDelete ?? true);
  const exportAllowed = useAppStore((s) => s.policy?.allowExport ?? true);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<FeedbackMessage>(null);
  const [exporting, setExporting] = useState(false);
  const [exportMessage, setExportMessage] = useState<FeedbackMessage>(null);

  const exportData = () => {
    if (exporting) return;
    setExporting(true);
    setExportMessage(null);
    call('data.export', { title: t('data.exportDialogTitle'), buttonLabel: t('data.exportDialogButton') })
      .then(
        (result) => {
          if (result.status === 'exported') {
            const { calls, contacts, auditEvents } = result.counts;
            setExportMessage({
              kind: 'status',
              text: t('data.exported', {
                folder: result.folder,
                calls: t('data.exportedCounts.calls', { count: calls }),
                contacts: t('data.exportedCounts.contacts', { count: contacts }),
                auditEvents: t('data.exportedCounts.auditEvents', { count: auditEvents }),
              }),
            });
          } else if (result.status === 'cancelled') {
            setExportMessage({ kind: 'status', text: t('data.exportCancelled') });
          } else {
            setExportMessage({ kind: 'error', text: t(`data.exportFailed.${result.reason}`) });
          }
        },
        (error: unknown) => setExportMessage({ kind: 'error', text: t(errorKey(error)) }),
      )
      .finally(() => setExporting(false));
  };

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
      <p className="hint">{t('data.exportHint')}</p>
      {exportAllowed ? (
        <div className="button-row">
          <button
            type="button"
            className="button button-secondary"
            aria-disabled={exporting}
            onClick={exportData}
          >
            {exporting ? t('data.exporting') : t('data.export')}
          </button>
        </div>
      ) : (
        <LockedHint>{t('data.exportForbidden')}</LockedHint>
      )}
      {exporting && <TaskProgress task="data-export" label={t('data.exportProgress')} />}
      <Feedback message={exportMessage} />
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
