import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../state/app-store';
import { providerNotice, type ProviderNotice } from '../state/provider-notice';
import { useProviderStatusStore } from '../state/provider-status-store';

/** The clock, a tick a minute: "maintenance soon" turns into "maintenance now" without a new answer. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Dates in the UI language's conventions: the system's own where it speaks that language, else en-GB/de-DE. */
function useTimeFormat(now: number): (at: number) => string {
  const { i18n } = useTranslation();
  const systemLocale = useAppStore((s) => s.info?.systemLocale ?? '');
  const language = i18n.language;
  const locale = systemLocale.toLowerCase().startsWith(language)
    ? systemLocale
    : `${language}-${language === 'en' ? 'GB' : 'DE'}`;
  const today = new Date(now).toDateString();
  return (at) =>
    new Intl.DateTimeFormat(locale, {
      ...(new Date(at).toDateString() !== today && { weekday: 'short', day: 'numeric', month: 'short' }),
      hour: '2-digit',
      minute: '2-digit',
    }).format(at);
}

function useNoticeText(notice: ProviderNotice, now: number): { heading: string; detail: string } {
  const { t } = useTranslation();
  const time = useTimeFormat(now);
  switch (notice.kind) {
    case 'incident': {
      const detail = t('providerStatus.incident', {
        title: notice.title,
        progress: t(`providerStatus.progress.${notice.progress}`),
        since: time(notice.since),
      });
      return {
        heading: t(`providerStatus.severity.${notice.severity}`),
        detail: notice.more > 0 ? `${detail} ${t('providerStatus.more', { count: notice.more })}` : detail,
      };
    }
    case 'status':
      return {
        heading: t(`providerStatus.severity.${notice.severity}`),
        detail: t(`providerStatus.statusOnly.${notice.severity}`),
      };
    case 'maintenance-now':
      return {
        heading: t('providerStatus.maintenanceNow'),
        detail: t('providerStatus.maintenanceUntil', { title: notice.title, until: time(notice.until) }),
      };
    case 'maintenance-soon':
      return {
        heading: t('providerStatus.maintenanceSoon'),
        detail: t('providerStatus.maintenanceWindow', {
          title: notice.title,
          from: time(notice.from),
          until: time(notice.until),
        }),
      };
  }
}

/**
 * Incidents and maintenance from the provider's status page, above every screen, with a link to the page.
 * Hidden by the person until something new is said.
 */
export function ProviderStatusBanner() {
  const status = useProviderStatusStore((s) => s.status);
  const hidden = useProviderStatusStore((s) => s.hidden);
  const now = useMinuteClock();
  const notice = providerNotice(status, now);
  if (!notice || notice.key === hidden) return null;
  return <Banner notice={notice} pageUrl={status?.pageUrl ?? null} now={now} />;
}

function Banner({ notice, pageUrl, now }: { notice: ProviderNotice; pageUrl: string | null; now: number }) {
  const { t } = useTranslation();
  const { heading, detail } = useNoticeText(notice, now);
  const pageFailed = useProviderStatusStore((s) => s.pageFailed);
  const { hide, openPage } = useProviderStatusStore.getState();
  const tone = notice.kind === 'incident' || notice.kind === 'status' ? notice.severity : 'maintenance';
  return (
    <section
      className={`provider-status provider-status-${tone}`}
      role="status"
      aria-label={t('providerStatus.label')}
    >
      <p className="provider-status-text">
        <strong>{heading}</strong> {detail}
      </p>
      <div className="provider-status-actions">
        {pageUrl && (
          <a
            href={pageUrl}
            onClick={(event) => {
              event.preventDefault();
              void openPage();
            }}
          >
            {t('providerStatus.page')}
          </a>
        )}
        <button type="button" className="button button-secondary" onClick={() => hide(notice.key)}>
          {t('providerStatus.hide')}
        </button>
      </div>
      {pageFailed && (
        <p className="feedback feedback-error" role="alert">
          {t('providerStatus.pageFailed')}
        </p>
      )}
    </section>
  );
}
