import { describe, expect, it } from 'vitest';
import { startupFailureMessage } from './startup-failure.js';

const invalid = {
  kind: 'invalid-policy' as const,
  location: '/etc/secure-softphone/policy.json',
  problems: [
    { key: 'provider.issuer', message: 'must be an https:// URL' },
    { key: 'colour', message: 'is not a known policy key' },
  ],
};

describe('the start-up failure message', () => {
  it('names every bad policy key, in German on a German system', () => {
    const { title, body } = startupFailureMessage('de-AT', invalid);
    expect(title).toBe('Secure Softphone kann nicht starten');
    expect(body).toContain(
      'Die Richtlinie Ihrer Organisation in /etc/secure-softphone/policy.json ist ungültig',
    );
    expect(body).toContain('• provider.issuer: must be an https:// URL');
    expect(body).toContain('• colour: is not a known policy key');
  });

  it('is English elsewhere, and says to contact IT for anything else', () => {
    expect(startupFailureMessage('fr-FR', invalid).title).toBe('Secure Softphone cannot start');
    expect(startupFailureMessage('en-GB', { kind: 'other', detail: 'EACCES' }).body).toMatch(
      /^An unexpected error occurred\. Please contact your IT department\.\n\nEACCES$/,
    );
  });
});
