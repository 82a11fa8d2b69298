import { useTranslation } from 'react-i18next';
import {
  auditEnvelopeFields,
  auditEventsSent,
  dataCatalog,
  type KeptFor,
} from '../../shared/privacy/data-catalog';
import type { SecurityOverview } from '../../shared/security/overview';

/**
 * What is stored where, for how long, and who receives what: generated from the retention settings in force
 * and the audit catalog (shared/privacy/data-catalog.ts), so it says what the code does.
 */
export function PrivacyDataSection({
  retention,
  auditReceiver,
}: {
  retention: SecurityOverview['retention'];
  auditReceiver: string | null;
}) {
  const { t } = useTranslation();
  const keptFor = (kept: KeptFor) =>
    'days' in kept
      ? t('securityScreen.data.keptFor.days', { count: kept.days })
      : 'daysAfterDelivery' in kept
        ? t('securityScreen.data.keptFor.daysAfterDelivery', { count: kept.daysAfterDelivery })
        : t(`securityScreen.data.keptFor.${kept.until}`);
  return (
    <section className="card settings-card" aria-labelledby="security-data">
      <h2 id="security-data" className="card-title">
        {t('securityScreen.data.title')}
      </h2>
      <table className="audit-table">
        <caption className="audit-caption">{t('securityScreen.data.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('securityScreen.data.what')}</th>
            <th scope="col">{t('securityScreen.data.where')}</th>
            <th scope="col">{t('securityScreen.data.howLong')}</th>
            <th scope="col">{t('securityScreen.data.receivers')}</th>
          </tr>
        </thead>
        <tbody>
          {dataCatalog(retention).map((entry) => (
            <tr key={entry.data}>
              <th scope="row">{t(`securityScreen.data.kinds.${entry.data}`)}</th>
              <td>{t(`securityScreen.data.places.${entry.where}`)}</td>
              <td>{keptFor(entry.keptFor)}</td>
              <td>{entry.receivers.map((receiver) => t(`securityScreen.data.to.${receiver}`)).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t('securityScreen.data.auditTitle')}</h3>
      <p className="muted">
        {auditReceiver
          ? t('securityScreen.data.auditIntro', {
              receiver: auditReceiver,
              fields: auditEnvelopeFields.join(', '),
            })
          : t('securityScreen.data.auditNoReceiver')}
      </p>
      <ul className="audit-catalog" aria-label={t('securityScreen.data.auditTitle')}>
        {auditEventsSent().map(({ type, fields }) => (
          <li key={type}>
            <code>{type}</code>: {fields.length > 0 ? fields.join(', ') : t('securityScreen.data.noDetails')}
          </li>
        ))}
      </ul>
    </section>
  );
}
