import { describe, expect, it } from 'vitest';
import { AuditEvent, auditEventTypes } from '../audit/catalog.js';
import { auditEnvelopeFields, auditEventsSent, dataCatalog } from './data-catalog.js';

describe('what is stored where, and who receives what', () => {
  it('lists every audit event the app can send, with exactly the fields the catalog lets it carry', () => {
    const sent = auditEventsSent();
    expect(sent.map((event) => event.type)).toEqual([...auditEventTypes]);
    for (const { type, fields } of sent) {
      const details = Object.fromEntries(fields.map((field) => [field, 'x']));
      const extra = AuditEvent.safeParse({ type, details: { ...details, [`${type}-extra`]: 'x' } });
      // A field the catalog does not know is refused, so the list cannot promise less than is sent.
      expect(extra.success, type).toBe(false);
    }
    expect(sent.find((event) => event.type === 'tls.certificateRejected')?.fields).toEqual([
      'host',
      'reason',
    ]);
  });

  it('names what every event carries besides its details: the time, the device, the user, the app', () => {
    expect(auditEnvelopeFields).toEqual(['time', 'deviceId', 'user', 'appVersion']);
  });

  it('takes the retention from the policy in force', () => {
    const kept = (policy: Parameters<typeof dataCatalog>[0]) =>
      Object.fromEntries(dataCatalog(policy).map((entry) => [entry.data, entry.keptFor]));
    expect(kept({ historyRetentionDays: null, auditRetentionDays: 90 })).toMatchObject({
      'call-history': { until: 'deleted' },
      'audit-log': { daysAfterDelivery: 90 },
    });
    expect(kept({ historyRetentionDays: 30, auditRetentionDays: 7 })).toMatchObject({
      'call-history': { days: 30 },
      'audit-log': { daysAfterDelivery: 7 },
    });
  });
});
