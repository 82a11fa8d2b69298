import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditEventTypes, type ChainVerification } from '../../shared/audit/catalog';
import type { AuditLogEntry, AuditLogQuery, AuditSyncStatus } from '../../shared/audit/sync-state';
import { ScreenHeading } from '../components/ScreenHeading';
import { useFormattingLocale } from '../format/dates';
import { AuditDetails, eventName, formatTime } from './AuditDetails';
import { call, errorKey, subscribe } from '../ipc/client';
import { useAppStore } from '../state/app-store';
import { useIsAdmin } from '../state/sign-in-store';

const DAY = 24 * 60 * 60 * 1000;
const LIMIT = 500;

/** A date input's value (local day) as the start of that day in ms, or undefined. */
function dayStart(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, day).getTime();
}

/**
 * Administrators only (the `admin` role of the ID token, as for the Policy screen): this device's audit
 * log with filters by type and day, the hash chain's verification, and its delivery to the provider.
 * Export of the log is part of "Export my data" (Settings).
 */
export function AuditScreen() {
  const { t } = useTranslation();
  const locale = useFormattingLocale();
  const admin = useIsAdmin();
  const navigate = useAppStore((s) => s.navigate);
  const [type, setType] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [entries, setEntries] = useState<AuditLogEntry[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [chain, setChain] = useState<ChainVerification | null>(null);
  const [chainError, setChainError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [sync, setSync] = useState<AuditSyncStatus | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const ids = { type: useId(), from: useId(), to: useId() };

  useEffect(() => {
    if (!admin) navigate('phone');
  }, [admin, navigate]);

  const query = useMemo(() => {
    const next: AuditLogQuery = { limit: LIMIT };
    if (type) next.types = [type];
    const start = dayStart(from);
    const end = dayStart(to);
    if (start !== undefined) next.from = start;
    if (end !== undefined) next.to = end + DAY;
    return next;
  }, [type, from, to]);

  // The list follows the filters (and "Show", which loads it again).
  useEffect(() => {
    if (!admin) return;
    let live = true;
    call('audit.list', query).then(
      (list) => {
        if (!live) return;
        setEntries(list);
        setListError(null);
      },
      (error: unknown) => live && setListError(errorKey(error)),
    );
    return () => {
      live = false;
    };
  }, [admin, query, reloads]);

  const showChain = (result: Promise<ChainVerification>) =>
    result.then(
      (verification) => {
        setChain(verification);
        setChainError(null);
      },
      (error: unknown) => setChainError(errorKey(error)),
    );

  useEffect(() => {
    if (!admin) return;
    void showChain(call('audit.verify', undefined));
    call('audit.syncStatus', undefined).then(setSync, (error: unknown) => setSyncError(errorKey(error)));
    return subscribe('audit.syncChanged', setSync);
  }, [admin]);

  const verify = async () => {
    setVerifying(true);
    await showChain(call('audit.verify', undefined));
    setVerifying(false);
  };

  if (!admin) return null;
  const eventOptions = auditEventTypes
    .map((value) => ({ value, label: eventName(t, value) }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));

  const time = (at: number | null) => (at === null ? t('auditScreen.never') : formatTime(locale, at));

  const syncNow = async () => {
    try {
      setSync(await call('audit.syncNow', undefined));
      setSyncError(null);
    } catch (error) {
      setSyncError(errorKey(error));
    }
  };

  return (
    <section className="screen audit-screen">
      <header className="screen-header">
        <ScreenHeading>{t('auditScreen.title')}</ScreenHeading>
      </header>

      <div className="audit-cards">
        <section className="card audit-card" aria-labelledby="audit-chain">
          <h2 id="audit-chain" className="card-title">
            {t('auditScreen.chain.title')}
          </h2>
          <p role="status" className={chain && !chain.ok ? 'audit-bad' : undefined}>
            {chainError
              ? t(chainError)
              : !chain
                ? t('auditScreen.chain.checking')
                : chain.ok
                  ? t('auditScreen.chain.ok', { count: chain.count })
                  : t('auditScreen.chain.broken', {
                      problem: t(`auditScreen.chain.problems.${chain.problem}`),
                      sequence: chain.sequence,
                    })}
          </p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void verify()}
            disabled={verifying}
          >
            {t('auditScreen.chain.verify')}
          </button>
        </section>

        <section className="card audit-card" aria-labelledby="audit-sync">
          <h2 id="audit-sync" className="card-title">
            {t('auditScreen.sync.title')}
          </h2>
          {sync && (
            <dl className="about-list">
              <dt>{t('auditScreen.sync.state')}</dt>
              <dd>{t(`auditScreen.sync.states.${sync.state}`)}</dd>
              <dt>{t('auditScreen.sync.pending')}</dt>
              <dd>{sync.pending}</dd>
              <dt>{t('auditScreen.sync.lastDelivered')}</dt>
              <dd>{time(sync.lastDeliveredAt)}</dd>
              <dt>{t('auditScreen.sync.lastError')}</dt>
              <dd>
                {sync.lastError
                  ? `${t(`auditScreen.sync.errors.${sync.lastError}`)} (${time(sync.lastErrorAt)})`
                  : t('auditScreen.sync.noError')}
              </dd>
              {sync.nextAttemptAt !== null && (
                <>
                  <dt>{t('auditScreen.sync.nextAttempt')}</dt>
                  <dd>{time(sync.nextAttemptAt)}</dd>
                </>
              )}
            </dl>
          )}
          {syncError && <p role="alert">{t(syncError)}</p>}
          {sync?.state === 'not-configured' ? (
            <p className="notice" role="status">
              {t('auditScreen.sync.noProvider')}
            </p>
          ) : (
            <button type="button" className="button button-primary" onClick={() => void syncNow()}>
              {t('auditScreen.sync.now')}
            </button>
          )}
        </section>
      </div>

      <section className="card audit-card" aria-labelledby="audit-log">
        <h2 id="audit-log" className="card-title">
          {t('auditScreen.log.title')}
        </h2>
        <form
          className="audit-filters"
          aria-label={t('auditScreen.log.filters')}
          onSubmit={(event) => {
            event.preventDefault();
            setReloads((count) => count + 1);
          }}
        >
          <div className="audit-filter">
            <label className="field-label" htmlFor={ids.type}>
              {t('auditScreen.log.type')}
            </label>
            <select
              id={ids.type}
              className="select"
              value={type}
              onChange={(event) => setType(event.target.value)}
            >
              <option value="">{t('auditScreen.log.allTypes')}</option>
              {eventOptions.map(({ value, label }) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <DateFilter id={ids.from} label={t('auditScreen.log.from')} value={from} onChange={setFrom} />
          <DateFilter id={ids.to} label={t('auditScreen.log.to')} value={to} onChange={setTo} />
          <button type="submit" className="button button-secondary">
            {t('auditScreen.log.refresh')}
          </button>
        </form>
        {listError && <p role="alert">{t(listError)}</p>}
        {entries && entries.length === 0 && <p>{t('auditScreen.log.empty')}</p>}
        {entries && entries.length > 0 && (
          <table className="audit-table">
            <caption className="audit-caption">
              {t('auditScreen.log.caption', { count: entries.length })}
            </caption>
            <thead>
              <tr>
                <th scope="col" className="audit-time">
                  {t('auditScreen.log.time')}
                </th>
                <th scope="col">{t('auditScreen.log.event')}</th>
                <th scope="col" className="audit-details-column">
                  {t('auditScreen.log.details')}
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td className="audit-time">{time(entry.at)}</td>
                  <td>{eventName(t, entry.type)}</td>
                  <td>
                    <AuditDetails entry={entry} locale={locale} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}

/** A day the log is filtered by (from, to). */
function DateFilter(props: { id: string; label: string; value: string; onChange(value: string): void }) {
  return (
    <div className="audit-filter">
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        className="text-input"
        type="date"
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}
