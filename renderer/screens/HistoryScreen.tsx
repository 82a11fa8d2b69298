import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { historyFilters, type CallRecord } from '../../shared/domain/history';
import { useDialFeedback } from '../components/dial-feedback';
import { EmptyState } from '../components/EmptyState';
import { Feedback, type FeedbackMessage } from '../components/Feedback';
import { Icon, type IconName } from '../components/Icon';
import { IconButton } from '../components/IconButton';
import { ScreenHeading } from '../components/ScreenHeading';
import { useFormattingLocale } from '../format/dates';
import { partyOf } from '../format/party';
import { noticedReason } from '../phone/call-state';
import type { CallView } from '../phone/engine';
import { useAppStore } from '../state/app-store';
import { useHistoryStore } from '../state/history-store';
import { usePhoneStore } from '../state/phone-store';

/** Who a call was with: the contact's or sent name, else the number as people write it. */
export function useRemoteLabel(): (record: Pick<CallRecord, 'remoteUri' | 'remoteName'>) => string {
  const country = useAppStore((s) => s.settings?.settings.defaultCountry ?? 'DE');
  const domain = usePhoneStore((s) => s.engine().domain);
  // Stable while the country and domain are: lists memoise their rows on it.
  return useCallback(
    (record) =>
      partyOf(record.remoteUri, { contact: null, display: record.remoteName }, country, domain).title,
    [country, domain],
  );
}

/**
 * How a call went, as a key under `history`: its disposition once it ended; while it is still on (the
 * phone has it), ringing or in progress; a call that never ended (the app was closed) as not completed.
 */
export function outcomeKey(record: CallRecord, live: Pick<CallView, 'state'> | undefined): string {
  if (record.disposition) return `disposition.${record.disposition}`;
  if (live) return live.state === 'active' ? 'state.inProgress' : 'state.ringing';
  return 'state.unfinished';
}

export function directionIcon(record: Pick<CallRecord, 'direction' | 'disposition'>): IconName {
  if (record.disposition === 'missed') return 'missed';
  return record.direction === 'incoming' ? 'incoming' : 'outgoing';
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

interface HistoryRowProps {
  record: CallRecord;
  who: string;
  outcome: string;
  time: string;
  feedback: FeedbackMessage;
  onCallBack(record: CallRecord): void;
  onDelete(id: string): Promise<void>;
}

/** One call; drawn again only when something it shows changed (pages of older calls only add rows). */
const HistoryRow = memo(function HistoryRow({
  record,
  who,
  outcome,
  time,
  feedback,
  onCallBack,
  onDelete,
}: HistoryRowProps) {
  const { t } = useTranslation();
  const reason = noticedReason(record.cause);
  return (
    <li className={`row history-row ${record.disposition === 'missed' ? 'row-missed' : ''}`}>
      <span className="row-icon">
        <Icon name={directionIcon(record)} size={18} />
      </span>
      <div className="row-main">
        <p className="row-title">{who}</p>
        <p className="row-meta">
          {t(`history.direction.${record.direction}`)} · {outcome} · {time}
          {record.durationMs ? ` · ${duration(record.durationMs)}` : ''}
          {record.srtpCipher && (
            <span className="row-lock">
              {' '}
              · <Icon name="lock" size={12} /> {t('history.encrypted')}
            </span>
          )}
        </p>
        {reason && <p className="row-meta">{t(`call.endReason.${reason}`)}</p>}
        <Feedback message={feedback} />
      </div>
      <div className="row-actions">
        <IconButton
          icon="phone"
          variant="call"
          size="small"
          label={t('history.callBack', { who })}
          onClick={() => onCallBack(record)}
        />
        <IconButton
          icon="delete"
          size="small"
          label={t('history.delete', { who })}
          onClick={() => void onDelete(record.id)}
        />
      </div>
    </li>
  );
});

function duration(ms: number | null): string {
  if (!ms) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function HistoryScreen() {
  const { t } = useTranslation();
  const locale = useFormattingLocale();
  const remoteLabel = useRemoteLabel();
  const liveCalls = usePhoneStore((s) => s.calls);
  const dialing = useDialFeedback();
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
  const [confirmAll, setConfirmAll] = useState(false);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });

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
  const { dial } = dialing;
  const callBack = useCallback((record: CallRecord) => void dial(record.id, record.remoteUri), [dial]);

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
            {groupByDay(records, locale, {
              today: t('history.today'),
              yesterday: t('history.yesterday'),
            }).map((group) => (
              <section key={group.key} aria-labelledby={`day-${group.key}`}>
                <h2 id={`day-${group.key}`} className="day-heading">
                  {group.label}
                </h2>
                <ul className="rows">
                  {group.records.map((record) => (
                    <HistoryRow
                      key={record.id}
                      record={record}
                      who={remoteLabel(record)}
                      outcome={t(
                        `history.${outcomeKey(
                          record,
                          liveCalls.find((view) => view.id === record.id),
                        )}`,
                      )}
                      time={time.format(record.startedAt)}
                      feedback={dialing.messageFor(record.id)}
                      onCallBack={callBack}
                      onDelete={remove}
                    />
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
