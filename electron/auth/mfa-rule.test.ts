import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../shared/policy/schema.js';
import { BROKER_ACR } from '../../shared/provider/broker.js';
import { describeMfaRefusal, evaluateMfa, mfaRefusalOf } from './mfa-rule.js';

const defaults = resolvePolicy({ provider: undefined }).mfa;
const generic = (mfa: object = {}) =>
  resolvePolicy({
    provider: {
      issuer: 'https://idp.example',
      clientId: 'app',
      wssUrl: 'wss://sip.example',
      kind: 'generic',
    },
    mfa,
  }).mfa;

describe('the MFA rule', () => {
  it('accepts every multi-factor amr value of RFC 8176 by default, and no single factor', () => {
    for (const amr of ['mfa', 'otp', 'hwk', 'swk', 'sms', 'sc', 'fpt', 'face', 'tel', 'pop'])
      expect(evaluateMfa({ amr: ['pwd', amr] }, defaults), amr).toMatchObject({ proven: true, proof: 'amr' });
    for (const amr of ['pwd', 'pin', 'kba', 'geo', 'rba', 'user', 'wia', 'password'])
      expect(evaluateMfa({ amr: [amr] }, generic()).proven, amr).toBe(false);
  });

  it("proves it by the broker's multi-factor acr by default, by a policy's acr, never by another acr", () => {
    expect(evaluateMfa({ acr: BROKER_ACR.multiFactor }, defaults)).toMatchObject({
      proven: true,
      proof: 'acr',
    });
    expect(evaluateMfa({ acr: BROKER_ACR.multiFactor }, generic()).proven).toBe(false);
    // Keycloak's "1" is a fresh login with one factor; a step-up level is what policy names.
    expect(evaluateMfa({ acr: '1' }, generic({ acr: ['gold', '2'] })).proven).toBe(false);
    expect(evaluateMfa({ acr: 'gold' }, generic({ acr: ['gold', '2'] }))).toMatchObject({ proof: 'acr' });
  });

  it("trusts the IdP's enforcement only when IT attests it, and says so", () => {
    expect(evaluateMfa({}, generic()).proven).toBe(false);
    expect(evaluateMfa({}, generic({ enforcedByIdp: true }))).toEqual({
      proven: true,
      proof: 'idp-attestation',
      amr: [],
      acr: null,
    });
    // Evidence in the token is named before the attestation.
    expect(evaluateMfa({ amr: ['otp'] }, generic({ enforcedByIdp: true })).proof).toBe('amr');
  });

  it('a policy amr list replaces the default one', () => {
    expect(evaluateMfa({ amr: ['otp'] }, generic({ amr: ['hwk'] })).proven).toBe(false);
    expect(evaluateMfa({ amr: ['hwk'] }, generic({ amr: ['hwk'] })).proven).toBe(true);
  });

  it('ignores claims of the wrong type', () => {
    expect(evaluateMfa({ amr: 'otp', acr: 2 }, defaults)).toEqual({
      proven: false,
      proof: null,
      amr: [],
      acr: null,
    });
    expect(evaluateMfa({ amr: [1, null, 'pwd'] }, defaults).amr).toEqual(['pwd']);
  });

  it('a refusal names the evidence and what policy accepts', () => {
    const rule = generic({ amr: ['otp', 'hwk'], acr: ['gold'] });
    const refusal = mfaRefusalOf(evaluateMfa({ acr: '1' }, rule), rule);
    expect(refusal).toEqual({ amr: [], acr: '1', acceptedAmr: ['otp', 'hwk'], acceptedAcr: ['gold'] });
    expect(describeMfaRefusal(refusal)).toBe(
      'amr absent, acr = 1; policy requires amr one of otp,hwk or acr one of gold',
    );
    expect(describeMfaRefusal(mfaRefusalOf(evaluateMfa({ amr: ['pwd'] }, rule), { ...rule, acr: [] }))).toBe(
      'amr = pwd, acr absent; policy requires amr one of otp,hwk',
    );
  });
});
