import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsReport } from '../../shared/domain/history';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { ScreenHeading } from '../components/ScreenHeading';
import { errorKey } from '../ipc/client';
import { useStorageStore } from '../state/storage-store';

type Busy = 'retry' | 'export' | 'startOver' | null;

/**
 * Shown instead of every screen that needs the encrypted database when it does not open: what happened,
 * in plain words, and the three ways on. Nothing here deletes the unreadable file.
 */
export function StorageProblem() {
  const { t } = useTranslation();
  const status = useStorageStore((s) => s.status);
  const retry = useStorageStore((s) => s.retry);
  const exportDiagnostics = useStorageStore((s) => s.exportDiagnostics);
  const startOver = useStorageStore((s) => s.startOver);
  const [busy, setBusy] = useState<Busy>(null);
  const [message, setMessage] = useState<FeedbackMessage>(null);
  const [report, setReport] = useState<(DiagnosticsReport & { url: string }) | null>(null);
  const [confirming, setConfirming] = useState(false);
  const startOverButton = useRef<HTMLButtonElement>(null);
  const saveLink = useRef<HTMLAnchorElement>(null);

  // The report is offered as a file download from memory; its URL lives as long as it is shown.
  useEffect(() => {
    if (!report) return;
    saveLink.current?.focus();
    return () => URL.revokeObjectURL(report.url);
  }, [report]);

  if (status?.state !== 'error') return null;

  const failed = (error: unknown) => setMessage({ kind: 'error', text: t(errorKey(error)) });

  const onRetry = () => {
    setBusy('retry');
    setMessage(null);
    retry().then(
      (next) => {
        setBusy(null);
        // On success this screen gives way to the one the user asked for.
        if (next.state === 'error') setMessage({ kind: 'error', text: t('storage.problem.stillFailing') });
      },
      (error: unknown) => {
        setBusy(null);
        failed(error);
      },
    );
  };

  const onExport = () => {
    setBusy('export');
    setMessage(null);
    exportDiagnostics().then(
      (created) => {
        setBusy(null);
        const blob = new Blob([created.text], { type: 'application/json' });
        setReport({ ...created, url: URL.createObjectURL(blob) });
      },
      (error: unknown) => {
        setBusy(null);
        failed(error);
      },
    );
  };

  const closeDialog = () => {
    setConfirming(false);
    startOverButton.current?.focus();
  };

  const onStartOver = () => {
    setBusy('startOver');
    setMessage(null);
    startOver().then(
      () => setBusy(null),
      (error: unknown) => {
        setBusy(null);
        closeDialog();
        failed(error);
      },
    );
  };

  return (
    <section className="screen">
      <header className="screen-header">
        <ScreenHeading>{t('storage.problem.title')}</ScreenHeading>
      </header>
      <div className="card storage-problem">
        <p className="feedback feedback-error" role="alert">
          {t(`storage.problem.reason.${status.reason}`)}
        </p>
        <p>{t('storage.problem.meanwhile')}</p>
        <h2 className="card-title">{t('storage.problem.choices')}</h2>
        <ul className="choices">
          <li>
            <button
              type="button"
              className="button button-primary"
              aria-describedby="storage-retry-hint"
              disabled={busy !== null}
              onClick={onRetry}
            >
              {t('storage.problem.retry')}
            </button>
            <p id="storage-retry-hint" className="hint">
              {t('storage.problem.retryHint')}
            </p>
          </li>
          <li>
            <button
              type="button"
              className="button button-secondary"
              aria-describedby="storage-export-hint"
              disabled={busy !== null}
              onClick={onExport}
            >
              {t('storage.problem.export')}
            </button>
            <p id="storage-export-hint" className="hint">
              {t('storage.problem.exportHint')}
            </p>
            {report && (
              <div className="diagnostics">
                <a ref={saveLink} className="link-button" href={report.url} download={report.fileName}>
                  {t('storage.problem.saveReport', { file: report.fileName })}
                </a>
                <details>
                  <summary>{t('storage.problem.showReport')}</summary>
                  <pre className="diagnostics-text">{report.text}</pre>
                </details>
              </div>
            )}
          </li>
          <li>
            <button
              ref={startOverButton}
              type="button"
              className="button button-secondary"
              aria-describedby="storage-start-over-hint"
              aria-haspopup="dialog"
              disabled={busy !== null}
              onClick={() => setConfirming(true)}
            >
              {t('storage.problem.startOver')}
            </button>
            <p id="storage-start-over-hint" className="hint">
              {t('storage.problem.startOverHint')}
            </p>
          </li>
        </ul>
        <Feedback message={message} />
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('storage.problem.confirm.title')}
          confirmLabel={t('storage.problem.confirm.yes')}
          cancelLabel={t('storage.problem.confirm.cancel')}
          danger
          busy={busy === 'startOver'}
          onConfirm={onStartOver}
          onCancel={closeDialog}
        >
          <p>{t('storage.problem.confirm.keptAside')}</p>
          <p>{t('storage.problem.confirm.fresh')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
