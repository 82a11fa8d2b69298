import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { historyFilters, type CallRecord } from '../../shared/domain/history';
import { EmptyState } from '../components/EmptyState';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { noticedReason } from '../phone/call-state';
import { useAppStore } from '../state/app-store';
import { useHistoryStore } from '../state/history-store';
import { usePhoneStore } from '../state/phone-store';

function remoteLabel(record: CallRecord): string {
  return record.remoteName ?? record.remoteUri.replace(/^sips?:/, '').replace(/[@;].*$/, '');
}

/** The local calendar day of a time, as a key ("2026-03-04"). */
function dayKey(at: number | Date): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

interface DayGroup {
  key: string;
  /** "Today", "Yesterday", or the date in the user's language. */
  label: string;
  records: CallRecord[];
}

/** Calls (newest first) under one heading per local day. */
export function groupByDay(
  records: CallRecord[],
  locale: string,
  names: { today: string; yesterday: string },
  now: number = Date.now(),
): DayGroup[] {
  const format = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const today = new Date(now);
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  const labels = new Map([
    [dayKey(today), names.today],
    [dayKey(yesterday), names.yesterday],
  ]);
  const groups: DayGroup[] = [];
  for (const record of records) {
    const key = dayKey(record.startedAt);
    const last = groups.at(-1);
    if (last?.key === key) last.records.push(record);
    else groups.push({ key, label: labels.get(key) ?? format.format(record.startedAt), records: [record] });
  }
  return groups;
}

/** The element whose scrolling brings the sentinel into view (the app's content pane), or the viewport. */
function scrollParent(element: HTMLElement): HTMLElement | null {
  for (let node = element.parentElement; node; node = node.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(node).overflowY)) return node;
  }
  return null;
}

/**
 * Infinite scroll: calls `onReach` when the returned ref's element comes within a screen of the visible
 * part of the list. The observer is made anew whenever `version` changes, so that a sentinel still in view
 * after a page arrived asks for the next one.
 */
function useSentinel(onReach: () => void, enabled: boolean, version: number) {
  const [sentinel, setSentinel] = useState<HTMLElement | null>(null);
  const reach = useRef(onReach);
  useEffect(() => {
    reach.current = onReach;
  }, [onReach]);
  useEffect(() => {
    if (!sentinel || !enabled || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) reach.current();
      },
      { root: scrollParent(sentinel), rootMargin: '0px 0px 100% 0px' },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [sentinel, enabled, version]);
  return setSentinel;
}

function duration(ms: number | null): string {
  if (!ms) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function HistoryScreen() {
  const { t, i18n } = useTranslation();
  const {
    filter,
    search,
    records,
    hasMore,
    loadingMore,
    load,
    setFilter,
    setSearch,
    loadMore,
    remove,
    removeAll,
  } = useHistoryStore();
  const navigate = useAppStore((s) => s.navigate);
  const engine = usePhoneStore((s) => s.engine);
  const [confirmAll, setConfirmAll] = useState(false);
  const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit' });

  const markSeen = useHistoryStore((s) => s.markSeen);
  const missed = useHistoryStore((s) => s.missed);
  useEffect(() => {
    void load();
  }, [load]);
  // Seeing the list clears the missed-calls badge.
  useEffect(() => {
    if (missed > 0) void markSeen();
  }, [missed, markSeen]);

  const sentinel = useSentinel(() => void loadMore(), hasMore, records.length);

  const callBack = (record: CallRecord) => {
    navigate('phone');
    engine().call(record.remoteUri);
  };

  return (
    <section className="screen">
      <header className="screen-header">
        <ScreenHeading>{t('history.title')}</ScreenHeading>
      </header>
      <div className="toolbar">
        <input
          type="search"
          className="search-input"
          aria-label={t('history.search')}
          placeholder={t('history.search')}
          value={search}
          onChange={(event) => void setSearch(event.target.value)}
        />
        <div className="segmented" role="group" aria-label={t('history.filters')}>
          {historyFilters.map((name) => (
            <button
              key={name}
              type="button"
              className="segment"
              aria-pressed={filter === name}
              onClick={() => void setFilter(name)}
            >
              {t(`history.filter.${name}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="card list-card">
        {records.length === 0 ? (
          <EmptyState icon="history" title={t('history.empty.title')} body={t('history.empty.body')} />
        ) : (
          <div className="history-list" aria-busy={loadingMore}>
            {groupByDay(records, i18n.language, {
              today: t('history.today'),
              yesterday: t('history.yesterday'),
            }).map((group) => (
              <section key={group.key} aria-labelledby={`day-${group.key}`}>
                <h2 id={`day-${group.key}`} className="day-heading">
                  {group.label}
                </h2>
                <ul className="rows">
                  {group.records.map((record) => (
                    <li
                      key={record.id}
                      className={`row ${record.disposition === 'missed' ? 'row-missed' : ''}`}
                    >
                      <div className="row-main">
                        <p className="row-title">{remoteLabel(record)}</p>
                        <p className="row-meta">
                          {t(`history.direction.${record.direction}`)} ·{' '}
                          {t(`history.disposition.${record.disposition ?? 'failed'}`)} ·{' '}
                          {time.format(record.startedAt)}
                          {record.durationMs ? ` · ${duration(record.durationMs)}` : ''}
                          {record.srtpCipher && (
                            <span className="row-lock">
                              {' '}
                              · <Icon name="lock" size={12} /> {t('history.encrypted')}
                            </span>
                          )}
                        </p>
                        {noticedReason(record.cause) && (
                          <p className="row-meta">{t(`call.endReason.${noticedReason(record.cause)}`)}</p>
                        )}
                      </div>
                      <div className="button-row">
                        <button
                          type="button"
                          className="button button-secondary"
                          onClick={() => callBack(record)}
                        >
                          {t('history.callBack', { who: remoteLabel(record) })}
                        </button>
                        <button
                          type="button"
                          className="button button-secondary"
                          onClick={() => void remove(record.id)}
                        >
                          {t('history.delete', { who: remoteLabel(record) })}
                        </button>
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
            {hasMore && (
              <div ref={sentinel} className="load-more">
                {/* Scrolling loads older calls by itself; the button is there for keyboards and when it does not. */}
                <button
                  type="button"
                  className="link-button"
                  aria-disabled={loadingMore}
                  onClick={() => void loadMore()}
                >
                  {loadingMore ? t('history.loadingMore') : t('history.loadMore')}
                </button>
              </div>
            )}
          </div>
        )}
      </div>
      {records.length > 0 && (
        <div className="button-row">
          {confirmAll ? (
            <>
              <span role="alert">{t('history.deleteAllConfirm')}</span>
              <button
                type="button"
                className="button button-danger"
                onClick={() => void removeAll().then(() => setConfirmAll(false))}
              >
                {t('history.deleteAllYes')}
              </button>
              <button type="button" className="button button-secondary" onClick={() => setConfirmAll(false)}>
                {t('history.cancel')}
              </button>
            </>
          ) : (
            <button type="button" className="button button-secondary" onClick={() => setConfirmAll(true)}>
              {t('history.deleteAll')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
