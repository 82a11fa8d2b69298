import { describe, expect, it } from 'vitest';
import type { MediaEncryption } from '../../shared/domain/calls';
import { securityClaim } from './security-claim';

const connected = (scope: MediaEncryption['scope']): MediaEncryption => ({
  dtlsState: 'connected',
  srtpCipher: 'AES_CM_128_HMAC_SHA1_80',
  scope,
});

describe('securityClaim', () => {
  it('claims end to end only once the compared codes matched', () => {
    const peer = { encryption: connected('peer'), sas: 'A1B2' };
    expect(securityClaim({ ...peer, sasMatched: null })).toBe('encrypted-not-verified');
    expect(securityClaim({ ...peer, sasMatched: true })).toBe('verified-end-to-end');
    expect(securityClaim({ ...peer, sasMatched: false })).toBe('code-mismatch');
  });

  it('claims encryption to the provider for a gateway, whatever was compared', () => {
    const gateway = { encryption: connected('to-provider'), sas: 'A1B2' };
    expect(securityClaim({ ...gateway, sasMatched: null })).toBe('encrypted-to-provider');
    expect(securityClaim({ ...gateway, sasMatched: true })).toBe('encrypted-to-provider');
    expect(securityClaim({ encryption: connected('peer'), sas: null, sasMatched: null })).toBe(
      'encrypted-to-provider',
    );
  });

  it('claims nothing before DTLS is connected', () => {
    expect(securityClaim({ encryption: null, sas: null, sasMatched: null })).toBe('securing');
    const connecting: MediaEncryption = { dtlsState: 'connecting', srtpCipher: null, scope: 'peer' };
    expect(securityClaim({ encryption: connecting, sas: 'A1B2', sasMatched: true })).toBe('securing');
  });
});
