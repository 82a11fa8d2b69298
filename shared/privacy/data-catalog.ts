import { AuditEnvelope, AuditEvent, type AuditEventType } from '../audit/catalog.js';
import type { EffectivePolicy } from '../policy/schema.js';

/**
 * What the app stores where, for how long, and who receives it: generated from the audit catalog (the
 * events and their fields) and the policy in force (the retention settings), so that the Security and
 * privacy screen cannot say something the code does not do.
 */

export type StoredData =
  'call-history' | 'contacts' | 'audit-log' | 'session' | 'sip-account' | 'keys' | 'settings' | 'call-audio';
export type StoragePlace = 'encrypted-database' | 'keychain' | 'settings-file' | 'not-stored';
export type Receiver = 'nobody' | 'provider' | 'identity-provider' | 'call-partner';
export type KeptFor =
  | { until: 'deleted' }
  | { until: 'signed-out' }
  | { until: 'call-ends' }
  | { days: number }
  | { daysAfterDelivery: number };

export interface DataCatalogEntry {
  data: StoredData;
  where: StoragePlace;
  keptFor: KeptFor;
  receivers: readonly Receiver[];
}

export function dataCatalog(
  policy: Pick<EffectivePolicy, 'historyRetentionDays' | 'auditRetentionDays'>,
): DataCatalogEntry[] {
  return [
    {
      data: 'call-history',
      where: 'encrypted-database',
      keptFor:
        policy.historyRetentionDays === null ? { until: 'deleted' } : { days: policy.historyRetentionDays },
      receivers: ['nobody'],
    },
    { data: 'contacts', where: 'encrypted-database', keptFor: { until: 'deleted' }, receivers: ['nobody'] },
    {
      data: 'audit-log',
      where: 'encrypted-database',
      keptFor: { daysAfterDelivery: policy.auditRetentionDays },
      receivers: ['provider'],
    },
    {
      data: 'session',
      where: 'keychain',
      keptFor: { until: 'signed-out' },
      receivers: ['identity-provider'],
    },
    { data: 'sip-account', where: 'keychain', keptFor: { until: 'signed-out' }, receivers: ['provider'] },
    { data: 'keys', where: 'keychain', keptFor: { until: 'deleted' }, receivers: ['nobody'] },
    { data: 'settings', where: 'settings-file', keptFor: { until: 'deleted' }, receivers: ['nobody'] },
    { data: 'call-audio', where: 'not-stored', keptFor: { until: 'call-ends' }, receivers: ['call-partner'] },
  ];
}

/** What every audit event carries to the provider besides its details (the envelope, less the chain). */
export const auditEnvelopeFields = Object.keys(AuditEnvelope.shape).filter(
  (field) => !['v', 'id', 'seq', 'type', 'details', 'prevHash', 'hash', 'hmac'].includes(field),
);

/** Each audit event type with the fields of its details: exactly what the provider receives. */
export function auditEventsSent(): Array<{ type: AuditEventType; fields: string[] }> {
  return AuditEvent.options.map((option) => ({
    type: option.shape.type.value,
    fields: Object.keys(option.shape.details.shape),
  }));
}
