import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState';
import { ScreenHeading } from '../components/ScreenHeading';

const filters = ['all', 'missed', 'incoming', 'outgoing'] as const;
type Filter = (typeof filters)[number];

export function HistoryScreen() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
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
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <div className="segmented" role="group" aria-label={t('history.filters')}>
          {filters.map((name) => (
            <button
              key={name}
              type="button"
              className="segment"
              aria-pressed={filter === name}
              onClick={() => setFilter(name)}
            >
              {t(`history.filter.${name}`)}
            </button>
          ))}
        </div>
      </div>
      <div className="card list-card">
        <EmptyState icon="history" title={t('history.empty.title')} body={t('history.empty.body')} />
      </div>
    </section>
  );
}
