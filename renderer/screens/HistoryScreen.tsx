import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { historyFilters, type CallRecord } from '../../shared/domain/history';
import { EmptyState } from '../components/EmptyState';
import { Icon } from '../components/Icon';
import { ScreenHeading } from '../components/ScreenHeading';
import { useAppStore } from '../state/app-store';
import { useHistoryStore } from '../state/history-store';
import { usePhoneStore } from '../state/phone-store';

function remoteLabel(record: CallRecord): string {
  return record.remoteName ?? record.remoteUri.replace(/^sips?:/, '').replace(/[@;].*$/, '');
}

function groupByDay(records: CallRecord[], locale: string): Array<{ day: string; records: CallRecord[] }> {
  const format = new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const groups: Array<{ day: string; records: CallRecord[] }> = [];
  for (const record of records) {
    const day = format.format(record.startedAt);
    const last = groups.at(-1);
    if (last?.day === day) last.records.push(record);
    else groups.push({ day, records: [record] });
  }
  return groups;
}

function duration(ms: number | null): string {
  if (!ms) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function HistoryScreen() {
  const { t, i18n } = useTranslation();
  const { filter, search, records, hasMore, load, setFilter, setSearch, loadMore, remove, removeAll } =
    useHistoryStore();
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
          <div className="history-list">
            {groupByDay(records, i18n.language).map((group) => (
              <section key={group.day} aria-label={group.day}>
                <h2 className="day-heading">{group.day}</h2>
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
              <button type="button" className="link-button" onClick={() => void loadMore()}>
                {t('history.loadMore')}
              </button>
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
