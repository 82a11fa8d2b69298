import { describe, expect, it } from 'vitest';
import { formatAddress, partyOf } from './party';

describe('formatAddress', () => {
  it('writes numbers of the default country nationally, others internationally', () => {
    expect(formatAddress('sip:+493012345678@sip.example.eu;user=phone', 'DE')).toBe('030 12345678');
    expect(formatAddress('sip:+4315321234@sip.example.eu;user=phone', 'DE')).toBe('+43 1 5321234');
    expect(formatAddress('sip:+4315321234@sip.example.eu', 'AT')).toBe('01 5321234');
  });

  it('keeps extensions and names, and the domain only when it is not the account’s own', () => {
    expect(formatAddress('sip:204@pbx.example.eu', 'DE', 'pbx.example.eu')).toBe('204');
    expect(formatAddress('sip:alice@pbx.example.eu', 'DE', 'pbx.example.eu')).toBe('alice');
    expect(formatAddress('sips:bob@partner.example.com:5061;transport=tls', 'DE', 'pbx.example.eu')).toBe(
      'bob@partner.example.com',
    );
    expect(formatAddress('sip:%2B4930123456@x.eu', 'DE', 'x.eu')).toBe('030 123456');
  });
});

describe('partyOf', () => {
  it('names the contact first, then the name sent, with the address under it', () => {
    const uri = 'sip:+491701234567@sip.example.eu';
    expect(partyOf(uri, { contact: 'Erika', display: 'E. M.' }, 'DE')).toEqual({
      title: 'Erika',
      address: '0170 1234567',
    });
    expect(partyOf(uri, { contact: null, display: 'E. M.' }, 'DE').title).toBe('E. M.');
    expect(partyOf(uri, { contact: null, display: null }, 'DE')).toEqual({
      title: '0170 1234567',
      address: null,
    });
  });
});
