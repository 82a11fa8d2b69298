import { describe, expect, it } from 'vitest';
import {
  AuditEnvelope,
  AuditEvent,
  auditEventTypes,
  ChainVerification,
  isAuditEventType,
  RendererAuditEvent,
  type AuditEventOf,
  type AuditEventType,
} from './catalog.js';

/** One valid example of every event in the catalog (the type makes sure none is left out). */
const examples: { [T in AuditEventType]: AuditEventOf<T>['details'] } = {
  'app.started': { runtime: 'electron', platform: 'linux' },
  'app.updated': { from: '1.2.3', to: '1.3.0' },
  'auth.signInSucceeded': { method: 'company', mfa: true },
  'auth.signInFailed': { method: 'google', reason: 'state-mismatch' },
  'auth.signInRefusedNoMfa': { method: 'apple', amr: 'pwd' },
  'auth.signedOut': { reason: 'user' },
  'session.locked': { reason: 'idle' },
  'session.unlocked': { reauthenticated: false },
  'session.expired': { maxAgeHours: 12 },
  'token.refreshed': {},
  'token.refreshFailed': { reason: 'invalid-grant' },
  'sip.credentialsProvisioned': { source: 'provider', expiresAt: 1_800_000_000_000 },
  'sip.credentialsRotated': { expiresAt: null },
  'sip.credentialsRejected': { reason: 'expired' },
  'tls.certificateRejected': { host: 'sip.example.eu', reason: 'pin-mismatch' },
  'keychain.unavailable': { reason: 'no-service' },
  'database.openFailed': { reason: 'wrong-key' },
  'data.exported': { calls: 2, contacts: 1, auditEvents: 7, files: 9 },
  'data.deleted': { scope: 'all', count: null },
  'data.purged': { scope: 'call-history', count: 40, retentionDays: 30 },
  'policy.applied': { keys: 'provider,requireMfa', digest: 'a'.repeat(64) },
  'policy.changed': { keys: 'idleLockMinutes', digest: 'b'.repeat(64) },
  'policy.invalid': { keys: 'provider.wssUrl,foo', count: 2 },
  'settings.changed': { setting: 'dtmfTransport', value: 'info' },
  'call.sasMismatchReported': { callId: 'f3a9c1d2e4' },
  'call.endedWithoutAudio': { callId: 'f3a9c1d2e4', seconds: 60 },
  'audit.chainBroken': { problem: 'reordered', sequence: 17 },
  'audit.gapDetected': {
    problem: 'rolled-back',
    detectedBy: 'keychain',
    device: '0f8fad5b-d9cb-469f-a165-70867728950e',
    missingFrom: 81,
    missingTo: 100,
  },
};

describe('the audit event catalog', () => {
  it('accepts a valid example of every event, each with flat details', () => {
    expect([...auditEventTypes].sort()).toEqual(Object.keys(examples).sort());
    for (const [type, details] of Object.entries(examples)) {
      expect(AuditEvent.safeParse({ type, details }).success, type).toBe(true);
      for (const value of Object.values(details))
        expect(value === null || ['string', 'number', 'boolean'].includes(typeof value), type).toBe(true);
      expect(isAuditEventType(type)).toBe(true);
    }
  });

  it('refuses unknown types, missing or extra details, and values outside the schema', () => {
    const refused: unknown[] = [
      { type: 'session.started', details: {} },
      { type: 'app.started' },
      { type: 'token.refreshed', details: {}, extra: 1 },
      // No personal data beyond the schema: an extra field is refused, not dropped.
      { type: 'data.deleted', details: { scope: 'all', count: null, name: 'Erika Mustermann' } },
      {
        type: 'auth.signInFailed',
        details: { method: 'google', reason: 'wrong password for erika@example.eu' },
      },
      { type: 'data.purged', details: { scope: 'call-history', count: -1, retentionDays: 30 } },
      { type: 'data.purged', details: { scope: 'call-history', count: 1.5, retentionDays: 30 } },
      // Policy keys, never their values.
      { type: 'policy.invalid', details: { keys: 'provider.issuer=https://evil.example', count: 1 } },
      { type: 'policy.changed', details: { keys: 'requireMfa', digest: 'not-a-digest' } },
      {
        type: 'tls.certificateRejected',
        details: { host: 'https://sip.example.eu/path', reason: 'untrusted' },
      },
      { type: 'auth.signInRefusedNoMfa', details: { method: 'apple', amr: 'pwd; DROP TABLE' } },
      // Only settings whose values say nothing about the person.
      { type: 'settings.changed', details: { setting: 'microphoneId', value: 'abc' } },
      { type: 'call.sasMismatchReported', details: { callId: '' } },
      { type: 'call.sasMismatchReported', details: { callId: 'c1', remoteUri: 'sip:+4930@x' } },
    ];
    for (const event of refused)
      expect(AuditEvent.safeParse(event).success, JSON.stringify(event)).toBe(false);
    expect(isAuditEventType('session.started')).toBe(false);
    expect(isAuditEventType(undefined)).toBe(false);
  });

  it('lets the renderer ask only for what the user did: a security code that did not match', () => {
    expect(
      RendererAuditEvent.safeParse({ type: 'call.sasMismatchReported', details: { callId: 'c1' } }).success,
    ).toBe(true);
    for (const type of auditEventTypes.filter((type) => type !== 'call.sasMismatchReported')) {
      expect(RendererAuditEvent.safeParse({ type, details: examples[type] }).success, type).toBe(false);
    }
  });

  it('describes stored events and the chain state for delivery and display', () => {
    const envelope = {
      v: 1,
      id: '01a2133e-0a68-729b-b904-5343225bde2d',
      seq: 1,
      time: '2026-11-25T10:00:00.000Z',
      deviceId: '4c0e0a7e-3f0b-4c52-9d5e-1d1f0f2a8b11',
      user: null,
      appVersion: '0.1.0',
      type: 'app.started',
      details: { runtime: 'shell', platform: 'linux' },
      prevHash: '0'.repeat(64),
      hash: 'c'.repeat(64),
      hmac: 'd'.repeat(64),
    };
    expect(AuditEnvelope.parse(envelope)).toEqual(envelope);
    // A UUIDv4 is not a UUIDv7.
    expect(AuditEnvelope.safeParse({ ...envelope, id: '4c0e0a7e-3f0b-4c52-9d5e-1d1f0f2a8b11' }).success).toBe(
      false,
    );
    expect(AuditEnvelope.safeParse({ ...envelope, details: { nested: { a: 1 } } }).success).toBe(false);
    expect(ChainVerification.parse({ ok: true, count: 3, lastSequence: 3 })).toMatchObject({ ok: true });
    expect(
      ChainVerification.safeParse({ ok: false, problem: 'missing', sequence: 4, count: 3 }).success,
    ).toBe(true);
    expect(ChainVerification.safeParse({ ok: false, problem: 'gone', sequence: 4, count: 3 }).success).toBe(
      false,
    );
  });
});
