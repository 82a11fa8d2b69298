import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/EmptyState';
import { ScreenHeading } from '../components/ScreenHeading';

export function ContactsScreen() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  return (
    <section className="screen">
      <header className="screen-header">
        <ScreenHeading>{t('contacts.title')}</ScreenHeading>
      </header>
      <div className="toolbar">
        <input
          type="search"
          className="search-input"
          aria-label={t('contacts.search')}
          placeholder={t('contacts.search')}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <div className="card list-card">
        <EmptyState icon="contacts" title={t('contacts.empty.title')} body={t('contacts.empty.body')} />
      </div>
    </section>
  );
}
