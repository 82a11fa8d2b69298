import { Fragment, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SecurityOverview } from '../../shared/security/overview';
import { ScreenHeading } from '../components/ScreenHeading';
import { call, errorKey } from '../ipc/client';
import { lastCallClaim } from '../security/last-call-claim';
import { PrivacyDataSection } from './PrivacyDataSection';

type Rows = Array<[label: string, value: ReactNode]>;

function Facts({ id, title, rows }: { id: string; title: string; rows: Rows }) {
  return (
    <section className="card settings-card" aria-labelledby={id}>
      <h2 id={id} className="card-title">
        {title}
      </h2>
      <dl className="about-list">
        {rows.map(([label, value]) => (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}

/** "TLSv1.3" as people read it: "TLS 1.3". */
const tlsVersion = (protocol: string) => protocol.replace(/^TLSv/, 'TLS ');

function useFacts(overview: SecurityOverview) {
  const { t, i18n } = useTranslation();
  const yesNo = (value: boolean) => t(value ? 'securityScreen.on' : 'securityScreen.off');
  const time = (at: number | null) =>
    at === null
      ? t('securityScreen.never')
      : new Date(at).toLocaleString(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const { connection, lastCall, database, keychain, policy, audit, lock } = overview;
  const claim = lastCallClaim(lastCall);
  return {
    connection: [
      [t('securityScreen.connection.server'), connection.server ?? t('securityScreen.connection.noServer')],
      ...(connection.server === null
        ? []
        : ([
            [
              t('securityScreen.connection.state'),
              t(`securityScreen.connection.outcomes.${connection.outcome ?? 'unknown'}`),
            ],
            [
              t('securityScreen.connection.protocol'),
              connection.protocol ? tlsVersion(connection.protocol) : t('securityScreen.unknown'),
            ],
            [t('securityScreen.connection.issuer'), connection.issuer ?? t('securityScreen.unknown')],
          ] satisfies Rows)),
      [t('securityScreen.connection.pinning'), yesNo(connection.pinned)],
      [t('securityScreen.connection.extraCas'), String(connection.extraCas)],
    ] satisfies Rows,
    lastCall: (lastCall === null
      ? [[t('securityScreen.lastCall.when'), t('securityScreen.lastCall.none')]]
      : [
          [t('securityScreen.lastCall.when'), time(lastCall.at)],
          [t('securityScreen.lastCall.claim'), t(`securityScreen.lastCall.claims.${claim}`)],
          [t('securityScreen.lastCall.cipher'), lastCall.srtpCipher ?? t('securityScreen.unknown')],
        ]) satisfies Rows,
    storage: [
      [
        t('securityScreen.storage.database'),
        t(`securityScreen.storage.states.${database.state}`, {
          reason: 'reason' in database ? database.reason : '',
        }),
      ],
      [t('securityScreen.storage.keychain'), t(`securityScreen.storage.backends.${keychain.backend}`)],
      [
        t('securityScreen.storage.keychainState'),
        t(keychain.usable ? 'securityScreen.storage.usable' : 'securityScreen.storage.unusable'),
      ],
    ] satisfies Rows,
    policy: [
      [
        t('securityScreen.policy.setBy'),
        policy.keys.length > 0
          ? t('securityScreen.policy.company', { count: policy.keys.length })
          : t('securityScreen.policy.defaults'),
      ],
      [t('securityScreen.policy.location'), <code key="location">{policy.location}</code>],
      ...(policy.keys.length > 0
        ? ([[t('securityScreen.policy.keys'), policy.keys.join(', ')]] satisfies Rows)
        : []),
    ] satisfies Rows,
    audit: [
      [t('securityScreen.audit.receiver'), overview.auditReceiver ?? t('securityScreen.audit.noReceiver')],
      [t('auditScreen.sync.state'), t(`auditScreen.sync.states.${audit.state}`)],
      [t('auditScreen.sync.lastDelivered'), time(audit.lastDeliveredAt)],
      [t('auditScreen.sync.pending'), String(audit.pending)],
    ] satisfies Rows,
    lock: [
      [t('securityScreen.lock.idle'), t('securityScreen.lock.minutes', { count: lock.idleLockMinutes })],
      [t('securityScreen.lock.session'), t('securityScreen.lock.hours', { count: lock.sessionMaxAgeHours })],
    ] satisfies Rows,
  };
}

function Overview({ overview }: { overview: SecurityOverview }) {
  const { t } = useTranslation();
  const facts = useFacts(overview);
  return (
    <>
      <Facts id="security-connection" title={t('securityScreen.connection.title')} rows={facts.connection} />
      <Facts id="security-last-call" title={t('securityScreen.lastCall.title')} rows={facts.lastCall} />
      <Facts id="security-storage" title={t('securityScreen.storage.title')} rows={facts.storage} />
      <Facts id="security-policy" title={t('securityScreen.policy.title')} rows={facts.policy} />
      <Facts id="security-audit" title={t('securityScreen.audit.title')} rows={facts.audit} />
      <Facts id="security-lock" title={t('securityScreen.lock.title')} rows={facts.lock} />
      <PrivacyDataSection retention={overview.retention} auditReceiver={overview.auditReceiver} />
    </>
  );
}

/**
 * Security and privacy at a glance, for everyone: what is true now, as main's live state tells it
 * (`security.overview`), and what is stored where, for how long, and who receives what.
 */
export function SecurityScreen() {
  const { t } = useTranslation();
  const [overview, setOverview] = useState<SecurityOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [checks, setChecks] = useState(0);
  useEffect(() => {
    let live = true;
    call('security.overview', undefined).then(
      (value) => {
        if (!live) return;
        setOverview(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(errorKey(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [checks]);
  const checkAgain = () => {
    setLoading(true);
    setChecks((count) => count + 1);
  };
  return (
    <section className="screen" aria-busy={loading}>
      <header className="screen-header">
        <ScreenHeading>{t('securityScreen.title')}</ScreenHeading>
        <button type="button" className="button button-secondary" onClick={checkAgain} disabled={loading}>
          {t('securityScreen.refresh')}
        </button>
      </header>
      {loading && !overview && (
        <p className="muted" role="status">
          {t('securityScreen.loading')}
        </p>
      )}
      {error && <p role="alert">{t('securityScreen.failed', { reason: t(error) })}</p>}
      {overview && <Overview overview={overview} />}
    </section>
  );
}
