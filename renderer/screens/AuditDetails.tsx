import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { AuditDetailValue } from '../../shared/audit/catalog';
import type { AuditLogEntry } from '../../shared/audit/sync-state';

/** A moment as people read it: weekday, date and time to the second, in the UI language's conventions. */
export function formatTime(locale: string, at: number): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(at);
}

/** An event type in words ("Signed in"); a type this version does not know stays as it is. */
export function eventName(t: TFunction, type: string): string {
  return t(`auditScreen.events.${type}`, { defaultValue: type });
}

/** Fields that hold a moment (milliseconds since 1970). */
const timeFields = new Set(['expiresAt']);

function valueText(t: TFunction, locale: string, field: string, value: AuditDetailValue): string {
  if (value === null) return t('auditScreen.values.none');
  if (typeof value === 'boolean') return value ? t('auditScreen.values.yes') : t('auditScreen.values.no');
  if (typeof value === 'number')
    return timeFields.has(field) ? formatTime(locale, value) : value.toLocaleString(locale);
  if (field === 'method') return t(`signIn.methods.${value}`, { defaultValue: value });
  if (field === 'keys') return value === '' ? t('auditScreen.values.none') : value.split(',').join(', ');
  return t(`auditScreen.values.${value}`, { defaultValue: value });
}

/** An event's details, on demand: each field named in words, values translated where they are words. */
export function AuditDetails({ entry, locale }: { entry: AuditLogEntry; locale: string }) {
  const { t } = useTranslation();
  const fields = Object.entries(entry.details);
  return (
    <details className="audit-details">
      <summary>{t('auditScreen.log.show')}</summary>
      <dl>
        {fields.map(([field, value]) => (
          <div key={field} className="audit-detail">
            <dt>{t(`auditScreen.fields.${field}`, { defaultValue: field })}</dt>
            <dd>{valueText(t, locale, field, value)}</dd>
          </div>
        ))}
        <div className="audit-detail">
          <dt>{t('auditScreen.log.sequence')}</dt>
          <dd>{entry.sequence}</dd>
        </div>
        <div className="audit-detail">
          <dt>{t('auditScreen.log.id')}</dt>
          <dd className="audit-id">{entry.id}</dd>
        </div>
      </dl>
    </details>
  );
}
